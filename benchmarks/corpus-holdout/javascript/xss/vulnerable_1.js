$(function () {
  const query = new URLSearchParams(location.search).get("q");
  $("#results-title").html("Results for <b>" + query + "</b>");  // VULN
});
