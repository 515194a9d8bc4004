// CPCD table pages: filter by text and by column value, sort by a column.
// The rows are in the HTML; without this script the page still shows them all.
(function () {
  "use strict";
  var table = document.getElementById("rows");
  var form = document.getElementById("filters");
  if (!table || !form) return;
  form.hidden = false;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
  var search = document.getElementById("filter-text");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-column]"));
  var count = document.getElementById("row-count");

  function apply() {
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = terms.every(function (t) { return texts[i].indexOf(t) !== -1; });
      selects.forEach(function (s) {
        if (ok && s.value !== "") {
          ok = row.cells[Number(s.dataset.column)].textContent.trim() === s.value;
        }
      });
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = shown + " of " + rows.length + " rows";
  }
  form.addEventListener("input", apply);
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); });

  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  heads.forEach(function (th, column) {
    var button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      var descending = th.getAttribute("aria-sort") === "ascending";
      heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", descending ? "descending" : "ascending");
      var numeric = th.dataset.type === "num";
      var order = rows.map(function (row, i) {
        var text = row.cells[column].textContent.trim();
        return { row: row, text: text, value: numeric ? parseFloat(text) : text, i: i };
      });
      order.sort(function (a, b) {
        // Empty cells go last whichever way the column is sorted.
        if (a.text === "" || b.text === "") return (a.text === "") - (b.text === "") || a.i - b.i;
        var c = numeric ? a.value - b.value : a.value.localeCompare(b.value, "en", { numeric: true });
        return (descending ? -c : c) || a.i - b.i;
      });
      order.forEach(function (o) { body.appendChild(o.row); });
    });
  });
})();
