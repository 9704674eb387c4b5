/* skillshelf: typeset the formulas pymdownx.arithmatex marked (class "arithmatex"),
   with the copy of MathJax the site carries next to this file. A page without
   formulas loads nothing more than this script. */
(function () {
  "use strict";
  var loader = document.currentScript ? document.currentScript.src : location.href;
  var mathjax = new URL("mathjax/tex-chtml-full.js", loader).href;

  window.MathJax = {
    tex: {
      inlineMath: [["\\(", "\\)"]],
      displayMath: [["\\[", "\\]"]],
      processEscapes: true,
      processEnvironments: true
    },
    options: {
      // only what arithmatex marked: "$5 and $10" elsewhere stays text
      ignoreHtmlClass: ".*|",
      processHtmlClass: "arithmatex"
    }
  };

  function typeset() {
    if (!document.querySelector(".arithmatex")) {
      return;
    }
    var ready = window.MathJax && window.MathJax.typesetPromise;
    if (ready) {
      // material's instant navigation swapped the page: typeset the new content
      MathJax.startup.output.clearCache();
      MathJax.typesetClear();
      MathJax.texReset();
      MathJax.typesetPromise();
      return;
    }
    if (document.querySelector('script[src="' + mathjax + '"]')) {
      return;
    }
    var script = document.createElement("script");
    script.src = mathjax;
    script.async = true;
    document.head.appendChild(script);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(typeset);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", typeset);
  } else {
    typeset();
  }
})();
