const params = new URLSearchParams(window.location.search);
const message = params.get("msg");
if (message) {
  document.getElementById("banner").insertAdjacentHTML("beforeend", "<p class=\"note\">Saved.</p>");
  document.getElementById("banner-text").textContent = message;
}
