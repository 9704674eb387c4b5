/* skillshelf catalog filter: hides the catalog rows that do not contain every typed word.
   Plain script, no dependencies; works with and without material's instant navigation. */
(function () {
  "use strict";

  function setup(root) {
    var input = root.querySelector(".skillshelf-filter");
    if (!input || input.dataset.ready) return;
    input.dataset.ready = "1";
    var rows = Array.prototype.slice.call(root.querySelectorAll("tbody tr"));
    var shown = root.querySelector(".skillshelf-shown");
    var none = root.querySelector(".skillshelf-none");

    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var count = 0;
      rows.forEach(function (row) {
        var text = row.getAttribute("data-search") || "";
        var match = words.every(function (word) { return text.indexOf(word) !== -1; });
        row.hidden = !match;
        if (match) count += 1;
      });
      if (shown) {
        shown.textContent = words.length
          ? count + " of " + rows.length + " skills shown"
          : rows.length + " skills";
      }
      if (none) none.hidden = count !== 0;
    }

    var query = new URLSearchParams(window.location.search).get("q");
    if (query) input.value = query;
    input.addEventListener("input", apply);
    apply();
  }

  function run() {
    document.querySelectorAll(".skillshelf-catalog").forEach(setup);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
