function renderComment(container, comment) {
  const item = document.createElement("li");
  item.innerHTML = `<strong>${comment.author}</strong>: ${comment.text}`;  // VULN
  container.appendChild(item);
}
