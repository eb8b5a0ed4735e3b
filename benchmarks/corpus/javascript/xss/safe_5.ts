export function showError(target: HTMLElement, error: { message: string }) {
  target.innerHTML = "<div class='error'></div>";
  target.firstElementChild!.textContent = error.message;
}
