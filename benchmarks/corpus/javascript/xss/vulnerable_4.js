const params = new URLSearchParams(window.location.search);
const message = params.get("msg");
if (message) {
  document.getElementById("banner").insertAdjacentHTML("beforeend", message);  // VULN
}
