// The course finder's search and filters: shows the courses that match, keeps the
// choices in the address so a filtered list can be shared, and announces the count.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var list = document.getElementById("results");
  if (!form || !list) { return; }
  var items = Array.prototype.slice.call(list.children);
  var count = document.getElementById("result-count");
  var none = document.getElementById("no-results");
  var search = document.getElementById("q");
  // Groups where a course must have every ticked value; in the others any one will do.
  var ALL_OF = { access: true, mode: true };
  var GROUPS = ["access", "type", "mode", "level", "length", "cost", "region"];

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function ticked(name) {
    var boxes = form.querySelectorAll('input[type="checkbox"][name="' + name + '"]:checked');
    return Array.prototype.map.call(boxes, function (box) { return box.value; });
  }

  function matches(item, words, chosen) {
    var text = item.getAttribute("data-search") || "";
    for (var w = 0; w < words.length; w++) {
      if (text.indexOf(words[w]) === -1) { return false; }
    }
    for (var g = 0; g < GROUPS.length; g++) {
      var name = GROUPS[g], wanted = chosen[name];
      if (!wanted.length) { continue; }
      var has = (item.getAttribute("data-" + name) || "").split(" ");
      var ok = ALL_OF[name]
        ? wanted.every(function (v) { return has.indexOf(v) !== -1; })
        : wanted.some(function (v) { return has.indexOf(v) !== -1; });
      if (!ok) { return false; }
    }
    return true;
  }

  function update() {
    var words = fold(search.value).split(/\s+/).filter(Boolean);
    var chosen = {};
    GROUPS.forEach(function (name) { chosen[name] = ticked(name); });
    var shown = 0;
    items.forEach(function (item) {
      var show = matches(item, words, chosen);
      item.hidden = !show;
      if (show) { shown++; }
    });
    var filtered = shown !== items.length || words.length;
    count.textContent = filtered
      ? shown + " of " + items.length + " course" + (items.length === 1 ? "" : "s") + " match."
      : items.length + " course" + (items.length === 1 ? "" : "s") + ".";
    none.hidden = shown !== 0;
    remember();
  }

  function remember() {
    var params = new URLSearchParams(new FormData(form));
    if (!search.value.trim()) { params.delete("q"); }
    var query = params.toString();
    try {
      history.replaceState(null, "", query ? "?" + query : location.pathname);
    } catch (e) { /* some browsers refuse for file:// pages; the filters still work */ }
  }

  function restore() {
    var params = new URLSearchParams(location.search);
    search.value = params.get("q") || "";
    Array.prototype.forEach.call(form.querySelectorAll('input[type="checkbox"]'), function (box) {
      box.checked = params.getAll(box.name).indexOf(box.value) !== -1;
    });
  }

  form.addEventListener("input", update);
  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); update(); });
  document.getElementById("clear").addEventListener("click", function () {
    search.value = "";
    Array.prototype.forEach.call(form.querySelectorAll('input[type="checkbox"]'), function (box) {
      box.checked = false;
    });
    update();
    search.focus();
  });
  // Filters start open where there is room beside the list, or when the address has some;
  // on a phone they fold away under the search box.
  var details = document.getElementById("more-filters");
  form.hidden = false;
  restore();
  if (window.matchMedia("(min-width: 52rem)").matches || form.querySelector('input[type="checkbox"]:checked')) {
    details.open = true;
  }
  update();
}());
