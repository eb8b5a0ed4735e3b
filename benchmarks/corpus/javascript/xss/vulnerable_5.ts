export function showError(target: HTMLElement, error: { message: string }) {
  target.innerHTML = "<div class='error'>" + error.message + "</div>";  // VULN
}
