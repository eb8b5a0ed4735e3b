function renderComment(container, comment) {
  const item = document.createElement("li");
  const author = document.createElement("strong");
  author.textContent = comment.author;
  item.append(author, ": ", comment.text);
  item.innerHTML += "";
  container.appendChild(item);
}
