// Draws each KPI chart from the figure JSON in its data-figure attribute. A file, not an inline
// script, so the console's content security policy can forbid inline script altogether.
document.querySelectorAll(".chart[data-figure]").forEach(function (element) {
  var figure = JSON.parse(element.dataset.figure);
  Plotly.newPlot(element, figure.data, figure.layout, {displaylogo: false, responsive: true});
});
