// luxcheck dashboard and school summaries: sort any table.sortable by clicking a header (the
// tables come pre-sorted, so the pages read the same without JavaScript); filter the
// rectification list. Vanilla JavaScript, no network, no dependencies.
(function () {
  "use strict";

  // A cell's sort key: its data-value where it has one (a rate, an ISO date), else its text.
  function cellValue(row, index, kind) {
    var cell = row.cells[index];
    if (!cell) { return kind === "number" ? -Infinity : ""; }
    var raw = cell.getAttribute("data-value");
    if (kind === "number") {
      var number = parseFloat(raw === null ? cell.textContent : raw);
      return isNaN(number) ? -Infinity : number;
    }
    return raw === null ? cell.textContent.trim() : raw;
  }

  function sortTable(table, header) {
    var headers = Array.prototype.slice.call(header.parentNode.children);
    var index = headers.indexOf(header);
    var kind = header.getAttribute("data-sort");
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    headers.forEach(function (h) { h.removeAttribute("aria-sort"); });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true });
    rows.sort(function (a, b) {
      var x = cellValue(a, index, kind);
      var y = cellValue(b, index, kind);
      var order = kind === "number" ? (x < y ? -1 : x > y ? 1 : 0) : collator.compare(x, y);
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }

  function setUpSorting() {
    var tables = document.querySelectorAll("table.sortable");
    Array.prototype.forEach.call(tables, function (table) {
      var headers = table.querySelectorAll("thead th[data-sort]");
      Array.prototype.forEach.call(headers, function (header) {
        header.setAttribute("tabindex", "0");
        header.addEventListener("click", function () { sortTable(table, header); });
        header.addEventListener("keydown", function (event) {
          if (event.key === "Enter" || event.key === " ") {
            event.preventDefault();
            sortTable(table, header);
          }
        });
      });
    });
  }

  function setUpFilter() {
    var table = document.getElementById("rect-table");
    var search = document.getElementById("rect-search");
    var school = document.getElementById("rect-school");
    var status = document.getElementById("rect-status");
    var count = document.getElementById("rect-count");
    var lab = document.getElementById("rect-lab");  // only in a campaign of many laboratories
    if (!table || !search || !school || !status) { return; }
    function apply() {
      var needle = search.value.trim().toLowerCase();
      var wantSchool = school.value;
      var wantStatus = status.value;
      var wantLab = lab ? lab.value : "";
      var shown = 0;
      Array.prototype.forEach.call(table.tBodies[0].rows, function (row) {
        if (!row.hasAttribute("data-status")) { return; }
        var ok = (!wantSchool || row.getAttribute("data-school") === wantSchool) &&
          (!wantStatus || row.getAttribute("data-status") === wantStatus) &&
          (!wantLab || (" " + row.getAttribute("data-labs") + " ").indexOf(" " + wantLab + " ") !== -1) &&
          (!needle || row.textContent.toLowerCase().indexOf(needle) !== -1);
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      if (count) { count.textContent = String(shown); }
    }
    search.addEventListener("input", apply);
    school.addEventListener("change", apply);
    status.addEventListener("change", apply);
    if (lab) { lab.addEventListener("change", apply); }
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpSorting();
    setUpFilter();
  });
}());
