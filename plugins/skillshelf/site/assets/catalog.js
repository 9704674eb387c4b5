/* skillshelf: the catalog (filter by words, category and tags, a page of cards at a
   time, the state in the URL) and the 404 page's suggestions. Both read the catalog's
   data, _skillshelf/catalog.json next to this script; every URL in it is relative to
   the site root and percent-encoded, and every text is put into the page as text.
   Plain script, no dependencies; works with and without material's instant navigation. */
(function () {
  "use strict";

  /* material's search box is a dialog without a name (axe: aria-dialog-name), which a
     screen reader announces only as "dialog": name it. */
  var searchDialog = document.querySelector('.md-search[role="dialog"]');
  if (searchDialog && !searchDialog.hasAttribute("aria-label") &&
      !searchDialog.hasAttribute("aria-labelledby")) {
    searchDialog.setAttribute("aria-label", "Search");
  }

  var script = document.currentScript ? document.currentScript.src : location.href;
  var root = new URL("../", script);
  var dataUrl = new URL("catalog.json", script).href;
  var loading = null;

  /* mkdocs-material's search opens itself with the ?q= of any page it loads, before this
     script runs, and takes q out of the address when it is closed. On the catalog, ?q=
     is the catalog's own: the catalog keeps it, closes material's search (its toggle is
     a checkbox) and empties its box; the catalog then writes q back into the address. */
  var catalogSearch = null;
  if (document.querySelector(".skillshelf-catalog")) {
    catalogSearch = location.search;
    var query = new URLSearchParams(location.search).get("q");
    var toggle = document.querySelector('input[data-md-toggle="search"]');
    var box = document.querySelector("input.md-search__input");
    if (query !== null && toggle && toggle.checked && box && box.value === query) {
      toggle.click();
      box.value = "";
      box.blur();
    }
  }

  function load() {
    if (!loading) {
      loading = fetch(dataUrl, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error("catalog data: HTTP " + response.status);
        return response.json();
      }).then(prepare);
      loading.catch(function () { loading = null; });
    }
    return loading;
  }

  // -- the data -------------------------------------------------------------------

  function words(text) {
    return String(text).toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  }

  function siteUrl(path) {
    // paths are relative to the site root; a scheme cannot occur (":" is encoded)
    return new URL(path, root).href;
  }

  function prepare(data) {
    var categories = data.categories.map(function (row, index) {
      return { index: index, path: row[0], title: row[1], url: siteUrl(row[2]), parent: row[3] };
    });
    categories.forEach(function (category) {
      var line = [];
      for (var at = category.index; at >= 0; at = categories[at].parent) line.push(at);
      category.line = line;  // itself and every category above it
    });
    var spellings = {};
    var skills = data.skills.map(function (row) {
      var category = row[2] >= 0 ? categories[row[2]] : null;
      var tags = row[5];
      tags.forEach(function (tag) {
        var key = tag.toLowerCase();
        var counts = spellings[key] || (spellings[key] = {});
        counts[tag] = (counts[tag] || 0) + 1;
      });
      var title = row[6] || row[0];  // catalog data without titles: the name
      var text = [row[0], title, category ? category.title : "", row[3], row[4]].concat(tags).join(" ");
      return {
        name: row[0],
        title: title,
        url: siteUrl(row[1]),
        path: decodeURIComponent(row[1]).replace(/\/(index\.html)?$/, ""),
        category: category,
        lead: row[3],
        rest: row[4],
        tags: tags,
        keys: tags.map(function (tag) { return tag.toLowerCase(); }),
        haystack: " " + words(text).join(" ") + " "
      };
    });
    var names = {};
    Object.keys(spellings).forEach(function (key) {
      var counts = spellings[key];
      names[key] = Object.keys(counts).sort(function (a, b) {
        return counts[b] - counts[a] || (a < b ? -1 : a > b ? 1 : 0);
      })[0];
    });
    var holding = {};
    skills.forEach(function (skill) { holding[skill.category ? skill.category.index : -1] = true; });
    return {
      catalog: siteUrl(data.catalog), categories: categories, skills: skills, tagNames: names,
      holding: Object.keys(holding).length  // categories holding skills directly, as the page counts
    };
  }

  // -- shared pieces of markup ------------------------------------------------------

  function element(tag, attributes, children) {
    var node = document.createElement(tag);
    Object.keys(attributes || {}).forEach(function (name) {
      if (name === "text") node.textContent = attributes.text;
      else node.setAttribute(name, attributes[name]);
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  /* Text with `backtick spans` shown as code, as the pages show descriptions. */
  function inline(text) {
    // split() with a group puts each span's text at the odd places
    return String(text).split(/`([^`]+)`/).map(function (part, index) {
      return index % 2 === 1 ? element("code", { text: part }) : part;
    }).filter(function (part) { return part !== ""; });
  }

  function tagLink(catalogUrl, tag) {
    return element("a", { class: "skillshelf-tag", href: catalogUrl + "?tag=" + encodeURIComponent(tag), text: tag });
  }

  function card(skill, catalogUrl) {
    var children = [
      element("h2", { class: "skillshelf-card-name" }, [
        element("a", { href: skill.url, text: skill.title })
      ])
    ];
    if (skill.title !== skill.name) {
      children.push(element("p", { class: "skillshelf-card-id" }, [element("code", { text: skill.name })]));
    }
    if (skill.category) {
      children.push(element("p", { class: "skillshelf-card-category" }, [
        element("a", { href: skill.category.url, text: skill.category.title })
      ]));
    }
    if (skill.lead) children.push(element("p", { class: "skillshelf-card-lead" }, inline(skill.lead)));
    if (skill.rest) {
      children.push(element("details", { class: "skillshelf-more" }, [
        element("summary", {}, ["More", element("span", { class: "skillshelf-sr", text: " about " + skill.title })]),
        element("p", {}, inline(skill.rest))
      ]));
    }
    if (skill.tags.length) {
      var chips = [];
      skill.tags.forEach(function (tag, index) {
        if (index) chips.push(" ");
        chips.push(tagLink(catalogUrl, tag));
      });
      children.push(element("p", { class: "skillshelf-card-tags" }, chips));
    }
    return element("li", { class: "skillshelf-card" }, children);
  }

  function plural(count, word) {
    return count.toLocaleString("en") + " " + word + (count === 1 ? "" : "s");
  }

  // -- the catalog ------------------------------------------------------------------

  function readState(search) {
    var params = new URLSearchParams(search);
    var tags = [];
    params.getAll("tag").forEach(function (tag) {
      var key = tag.trim().toLowerCase();
      if (key && tags.indexOf(key) === -1) tags.push(key);
    });
    return { q: params.get("q") || "", category: params.get("category") || "", tags: tags };
  }

  function writeState(state, names) {
    var params = new URLSearchParams();
    if (state.q.trim()) params.set("q", state.q);
    if (state.category) params.set("category", state.category);
    state.tags.forEach(function (key) { params.append("tag", names[key] || key); });
    var query = params.toString();
    return location.pathname + (query ? "?" + query : "") + location.hash;
  }

  function setupCatalog(container, data) {
    if (container.dataset.ready) return;
    container.dataset.ready = "1";
    var pageSize = 50;
    var byPath = {};
    data.categories.forEach(function (category) { byPath[category.path] = category; });
    var state = readState(catalogSearch !== null ? catalogSearch : location.search);
    catalogSearch = null;
    if (!byPath[state.category]) state.category = "";
    var shown = container.querySelector(".skillshelf-shown");
    var list = container.querySelector(".skillshelf-results");
    var fallback = container.querySelector(".skillshelf-fallback");
    if (fallback) fallback.hidden = true;

    var query = element("input", {
      id: "skillshelf-query", type: "search", name: "q", autocomplete: "off",
      placeholder: "e.g. dpo lora", "aria-describedby": "skillshelf-query-help"
    });
    var category = element("select", { id: "skillshelf-category", name: "category" });
    var tag = element("select", { id: "skillshelf-tag", name: "tag" });
    var active = element("ul", { class: "skillshelf-active", "aria-label": "Selected tags" });
    var clear = element("button", { type: "button", class: "md-button skillshelf-clear", text: "Clear filters" });
    var form = element("form", { class: "skillshelf-filters", role: "search", "aria-label": "Filter the skills" }, [
      element("div", { class: "skillshelf-field" }, [
        element("label", { for: "skillshelf-query", text: "Words" }), query,
        element("span", { id: "skillshelf-query-help", class: "skillshelf-sr",
          text: "Skills whose name, category, tags or description have words starting with every word typed" })
      ]),
      element("div", { class: "skillshelf-field" }, [
        element("label", { for: "skillshelf-category", text: "Category" }), category
      ]),
      element("div", { class: "skillshelf-field" }, [
        element("label", { for: "skillshelf-tag", text: "Add a tag" }), tag
      ]),
      active,
      clear
    ]);
    var more = element("button", { type: "button", class: "md-button skillshelf-show-more" });
    var none = element("p", { class: "skillshelf-none", text: "No skill matches these filters." });
    container.insertBefore(form, shown);
    list.parentNode.insertBefore(more, list.nextSibling);
    list.parentNode.insertBefore(none, more);
    shown.setAttribute("aria-live", "polite");

    var matches = [];
    var rendered = 0;

    function matching(skill, without) {
      if (without !== "category" && state.category) {
        var selected = byPath[state.category];
        if (!selected || !skill.category || skill.category.line.indexOf(selected.index) === -1) return false;
      }
      for (var t = 0; t < state.tags.length; t++) {
        if (skill.keys.indexOf(state.tags[t]) === -1) return false;
      }
      return true;
    }

    /* The selectors' options are made once; their counts are brought up to date when
       a reader is about to use one (focus, a pointer on it) rather than on every key
       typed: a library with thousands of categories would otherwise redo thousands of
       options per key. */
    var pool = [];  // the skills the words and tags let through, whatever their category
    var stale = true;
    var categoryOptions = data.categories.map(function (entry) {
      return element("option", { value: entry.path });
    });
    var tagKeys = Object.keys(data.tagNames).sort(function (a, b) {
      var x = data.tagNames[a].toLowerCase(), y = data.tagNames[b].toLowerCase();
      return x < y ? -1 : x > y ? 1 : a < b ? -1 : a > b ? 1 : 0;
    });
    var tagOptions = tagKeys.map(function (key) { return element("option", { value: key }); });
    var allCategories = element("option", { value: "" });
    var anyTag = element("option", { value: "" });
    category.appendChild(allCategories);
    categoryOptions.forEach(function (option) { category.appendChild(option); });
    tag.appendChild(anyTag);
    tagOptions.forEach(function (option) { tag.appendChild(option); });

    function apply(push) {
      var typed = words(state.q);
      matches = [];
      pool = [];
      data.skills.forEach(function (skill) {
        for (var w = 0; w < typed.length; w++) {
          if (skill.haystack.indexOf(" " + typed[w]) === -1) return;
        }
        if (!matching(skill, "category")) return;
        pool.push(skill);
        if (matching(skill, "")) matches.push(skill);
      });
      stale = true;
      if (document.activeElement === category || document.activeElement === tag) refreshCounts();
      category.value = state.category;
      tag.value = "";
      fillActive();
      list.textContent = "";
      rendered = 0;
      showMore(false);
      var filtered = typed.length || state.category || state.tags.length;
      shown.textContent = filtered
        ? plural(matches.length, "skill") + " of " + data.skills.length.toLocaleString("en") + " match"
        : plural(data.skills.length, "skill") + " in " + data.holding.toLocaleString("en") +
          (data.holding === 1 ? " category" : " categories");
      none.hidden = matches.length !== 0;
      clear.hidden = !filtered;
      keepInAddress(push);
    }

    /* The address follows the view a moment after it changed: writing it costs more
       than drawing the cards (Chromium: 15-50 ms), and while a reader types only the
       last words matter. A chosen category or tag is a step Back can undo. */
    var addressTimer = null;
    var addressPush = false;

    function keepInAddress(push) {
      addressPush = addressPush || push;
      clearTimeout(addressTimer);
      addressTimer = setTimeout(function () {
        var url = writeState(state, data.tagNames);
        if (url !== location.pathname + location.search + location.hash) {
          history[addressPush ? "pushState" : "replaceState"](null, "", url);
        }
        addressPush = false;
      }, push ? 50 : 300);
    }

    function refreshCounts() {
      if (!stale) return;
      stale = false;
      var categoryCounts = new Array(data.categories.length).fill(0);
      pool.forEach(function (skill) {
        if (skill.category) skill.category.line.forEach(function (at) { categoryCounts[at] += 1; });
      });
      var tagCounts = {};
      matches.forEach(function (skill) {
        skill.keys.forEach(function (key) { tagCounts[key] = (tagCounts[key] || 0) + 1; });
      });
      allCategories.textContent = "All categories (" + pool.length.toLocaleString("en") + ")";
      data.categories.forEach(function (entry, index) {
        var option = categoryOptions[index];
        var count = categoryCounts[index];
        option.textContent = entry.title + " (" + count.toLocaleString("en") + ")";
        // no skill left there: not offered (unless it is the one chosen)
        option.hidden = option.disabled = !count && entry.path !== state.category;
      });
      var offered = 0;
      tagKeys.forEach(function (key, index) {
        var option = tagOptions[index];
        var count = tagCounts[key] || 0;
        option.textContent = data.tagNames[key] + " (" + count.toLocaleString("en") + ")";
        option.hidden = option.disabled = !count || state.tags.indexOf(key) !== -1;
        if (!option.hidden) offered += 1;
      });
      anyTag.textContent = offered ? "Any tag (" + offered + " more)" : "No more tags";
      category.value = state.category;
      tag.value = "";
    }

    function fillActive() {
      active.textContent = "";
      state.tags.forEach(function (key) {
        var name = data.tagNames[key] || key;
        var remove = element("button", { type: "button", class: "skillshelf-tag skillshelf-remove", "aria-label": "Remove the tag " + name }, [
          name, element("span", { "aria-hidden": "true", text: " \u00d7" })
        ]);
        remove.addEventListener("click", function () {
          state.tags = state.tags.filter(function (other) { return other !== key; });
          apply(true);
          tag.focus();
        });
        active.appendChild(element("li", {}, [remove]));
      });
      active.hidden = state.tags.length === 0;
    }

    function showMore(focus) {
      var end = Math.min(matches.length, rendered + pageSize);
      var fragment = document.createDocumentFragment();
      var first = null;
      for (var i = rendered; i < end; i++) {
        var item = card(matches[i], data.catalog);
        if (!first) first = item;
        fragment.appendChild(item);
      }
      list.appendChild(fragment);
      rendered = end;
      var left = matches.length - rendered;
      more.hidden = left <= 0;
      more.textContent = "Show " + Math.min(left, pageSize) + " more (" + left.toLocaleString("en") + " left)";
      if (focus && first) first.querySelector("a").focus();
    }

    [category, tag].forEach(function (select) {
      select.addEventListener("focus", refreshCounts);
      select.addEventListener("pointerdown", refreshCounts);
    });
    query.value = state.q;
    query.addEventListener("input", function () { state.q = query.value; apply(false); });
    category.addEventListener("change", function () { state.category = category.value; apply(true); });
    tag.addEventListener("change", function () {
      if (tag.value && state.tags.indexOf(tag.value) === -1) state.tags.push(tag.value);
      apply(true);
      tag.focus();
    });
    clear.addEventListener("click", function () {
      state = { q: "", category: "", tags: [] };
      query.value = "";
      apply(true);
      query.focus();
    });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    more.addEventListener("click", function () { showMore(true); });
    // a tag chip in a card: the catalog at exactly that tag, without reloading the page
    list.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest("a.skillshelf-tag") : null;
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;
      event.preventDefault();
      state = readState(new URL(link.href).search);
      if (!byPath[state.category]) state.category = "";
      query.value = state.q;
      apply(true);
      window.scrollTo(0, container.getBoundingClientRect().top + window.pageYOffset - 80);
    });
    window.addEventListener("popstate", function () {
      if (!document.body.contains(container)) return;
      clearTimeout(addressTimer);
      addressPush = false;
      state = readState(location.search);
      if (!byPath[state.category]) state.category = "";
      query.value = state.q;
      apply(false);
    });
    apply(false);
    refreshCounts();
  }

  // -- the 404 page -----------------------------------------------------------------

  function distance(a, b) {
    if (a === b) return 0;
    var previous = [];
    for (var j = 0; j <= b.length; j++) previous.push(j);
    for (var i = 1; i <= a.length; i++) {
      var current = [i];
      for (var k = 1; k <= b.length; k++) {
        current.push(Math.min(previous[k] + 1, current[k - 1] + 1,
          previous[k - 1] + (a.charCodeAt(i - 1) === b.charCodeAt(k - 1) ? 0 : 1)));
      }
      previous = current;
    }
    return previous[b.length];
  }

  function missingPath() {
    var path = location.pathname;
    if (path.indexOf(root.pathname) === 0) path = path.slice(root.pathname.length);
    try { path = decodeURIComponent(path); } catch (error) { /* keep it encoded */ }
    return path.replace(/(\/index\.html?|\.html?|\/)+$/, "").replace(/^\/+/, "");
  }

  /* The skills whose path is nearest the missing one: the last part against each
     skill's folder name and name, then the whole path against the skill's path. */
  function nearest(data, path, count) {
    var last = path.split("/").pop().toLowerCase();
    if (!last) return [];
    var scored = data.skills.map(function (skill) {
      var folder = skill.path.split("/").pop().toLowerCase();
      var near = Math.min(distance(last, folder), distance(last, skill.name.toLowerCase()));
      return { skill: skill, near: near };
    }).filter(function (entry) {
      return entry.near <= Math.max(2, Math.floor(last.length / 3));
    });
    scored.forEach(function (entry) { entry.far = distance(path.toLowerCase(), entry.skill.path.toLowerCase()); });
    scored.sort(function (a, b) { return a.near - b.near || a.far - b.far; });
    return scored.slice(0, count).map(function (entry) { return entry.skill; });
  }

  function setupNotFound(heading, data) {
    var article = heading.parentNode;
    if (article.querySelector(".skillshelf-not-found-help")) return;
    var path = missingPath();
    var found = nearest(data, path, 4);
    var children = [];
    if (path) {
      children.push(element("p", {}, ["There is no page at ", element("code", { text: "/" + path }), "."]));
    }
    if (found.length) {
      var best = found[0];
      children.push(element("p", { class: "skillshelf-suggestion" }, [
        "Did you mean ", element("a", { href: best.url }, [element("code", { text: best.name })]),
        best.category ? " in " + best.category.title + "?" : "?"
      ]));
      if (found.length > 1) {
        children.push(element("p", { text: "Or one of these:" }));
        children.push(element("ul", {}, found.slice(1).map(function (skill) {
          return element("li", {}, [element("a", { href: skill.url }, [element("code", { text: skill.name })])]);
        })));
      }
    }
    var input = element("input", { id: "skillshelf-missing-query", type: "search", name: "q", autocomplete: "off" });
    input.value = words(path.split("/").pop() || "").join(" ");
    children.push(element("form", { class: "skillshelf-search", action: data.catalog, method: "get", role: "search" }, [
      element("label", { for: "skillshelf-missing-query", text: "Search the skills" }),
      input,
      element("button", { type: "submit", class: "md-button md-button--primary", text: "Search" })
    ]));
    article.insertBefore(element("div", { class: "skillshelf-not-found-help" }, children), heading.nextSibling);
  }

  function notFoundHeading() {
    var marked = document.querySelector(".skillshelf-not-found");
    if (marked) return marked;
    // the theme's own 404 page (mkdocs-material and Zensical write this heading)
    var heading = document.querySelector("article h1, .md-content h1");
    return heading && heading.textContent.trim() === "404 - Not found" ? heading : null;
  }

  function run() {
    var containers = document.querySelectorAll(".skillshelf-catalog");
    var heading = notFoundHeading();
    if (!containers.length && !heading) return;
    load().then(function (data) {
      containers.forEach(function (container) { setupCatalog(container, data); });
      if (heading) setupNotFound(heading, data);
    }).catch(function (error) {
      if (window.console) console.warn("skillshelf:", error);
    });
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(run);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", run);
  } else {
    run();
  }
})();
