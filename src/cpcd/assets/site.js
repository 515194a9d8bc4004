// CPCD table pages: filter (text, values, year and number ranges), sort, share and download.
// The rows are in the HTML; without this script the page still shows them all.
// The filters and the sort live in the address's fragment, so a filtered view can be shared.
(function () {
  "use strict";
  var table = document.getElementById("rows");
  var form = document.getElementById("filters");
  if (!table || !form) return;
  form.hidden = false;
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var fields = table.dataset.fields.split(",");
  var heads = Array.prototype.slice.call(table.tHead.rows[0].cells);
  var count = document.getElementById("row-count");
  var controls = Array.prototype.slice.call(form.querySelectorAll("input[name], select[name]"));
  var sortState = null; // {field, descending}

  function value(row, field) {
    var cell = row.querySelector('td[data-field="' + field + '"]');
    return cell ? cell.dataset.value : "";
  }

  // What each row is filtered on, read once.
  var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });

  function matches(row, i) {
    for (var k = 0; k < controls.length; k += 1) {
      var control = controls[k];
      var wanted = control.value.trim();
      if (wanted === "") continue;
      if (control.name === "q") {
        var terms = wanted.toLowerCase().split(/\s+/);
        for (var t = 0; t < terms.length; t += 1) {
          if (texts[i].indexOf(terms[t]) === -1) return false;
        }
      } else if (control.dataset.bound) {
        var raw = control.dataset.field === "years" ? row.dataset.year : value(row, control.dataset.field);
        if (raw === "" || raw === undefined) return false;
        var number = parseFloat(raw);
        var bound = parseFloat(wanted);
        if (control.dataset.bound === "min" && number < bound) return false;
        if (control.dataset.bound === "max" && number > bound) return false;
      } else if (value(row, control.dataset.field) !== wanted) {
        return false;
      }
    }
    return true;
  }

  function remember() {
    var params = new URLSearchParams();
    controls.forEach(function (c) { if (c.value.trim() !== "") params.set(c.name, c.value.trim()); });
    if (sortState) params.set("sort", (sortState.descending ? "-" : "") + sortState.field);
    var text = params.toString();
    history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
  }

  function apply() {
    var shown = 0;
    rows.forEach(function (row, i) {
      var ok = matches(row, i);
      row.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = shown + " of " + rows.length + " rows";
  }

  function sortBy(field, descending) {
    var th = heads.filter(function (h) { return h.dataset.field === field; })[0];
    if (!th) return;
    heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", descending ? "descending" : "ascending");
    sortState = { field: field, descending: descending };
    var numeric = th.dataset.type === "num";
    var order = rows.map(function (row, i) {
      var cell = row.querySelector('td[data-field="' + field + '"]');
      var text = cell.dataset.sort !== undefined ? cell.dataset.sort : cell.dataset.value;
      return { row: row, text: text, value: numeric ? parseFloat(text) : text, i: i };
    });
    order.sort(function (a, b) {
      // Empty cells go last whichever way the column is sorted.
      if (a.text === "" || b.text === "") return (a.text === "") - (b.text === "") || a.i - b.i;
      var c = numeric ? a.value - b.value : a.value.localeCompare(b.value, "en", { numeric: true });
      return (descending ? -c : c) || a.i - b.i;
    });
    order.forEach(function (o) { body.appendChild(o.row); });
  }

  function restore() {
    var hash = location.hash.slice(1);
    if (hash.indexOf("=") === -1) { // a column's anchor, not a filter: show its description
      var about = hash && document.getElementById(hash);
      var details = about && about.closest("details");
      if (details) details.open = true;
      return;
    }
    var params = new URLSearchParams(hash);
    controls.forEach(function (c) { c.value = params.get(c.name) || ""; });
    var more = document.getElementById("more-filters");
    if (more && more.querySelector("[name]") && Array.prototype.some.call(
      more.querySelectorAll("[name]"), function (c) { return c.value !== ""; })) {
      more.open = true;
    }
    var sort = params.get("sort");
    if (sort) sortBy(sort.replace(/^-/, ""), sort.charAt(0) === "-");
    apply();
  }

  function csvField(text) {
    return /[",\r\n]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }

  function download() {
    var lines = [fields.map(csvField).join(",")];
    Array.prototype.forEach.call(body.rows, function (row) {
      if (row.hidden) return;
      lines.push(fields.map(function (f) { return csvField(value(row, f)); }).join(","));
    });
    var blob = new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv;charset=utf-8" });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(blob);
    link.download = table.dataset.file.replace(/\.csv$/, "") + "-selected.csv";
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(link.href); }, 1000);
  }

  form.addEventListener("input", function () { apply(); remember(); });
  form.addEventListener("change", function () { apply(); remember(); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  document.getElementById("download-rows").addEventListener("click", download);
  document.getElementById("clear-filters").addEventListener("click", function () {
    controls.forEach(function (c) { c.value = ""; });
    apply();
    remember();
  });
  heads.forEach(function (th) {
    var button = th.querySelector("button");
    if (!button) return;
    button.addEventListener("click", function () {
      sortBy(th.dataset.field, th.getAttribute("aria-sort") === "ascending");
      remember();
    });
  });
  window.addEventListener("hashchange", restore);
  restore();
})();
