$(function () {
  const query = new URLSearchParams(location.search).get("q");
  $("#results-title").text("Results for " + query);
});
