function printReceipt(order) {
  const win = window.open("", "receipt");
  win.document.write("<h1>Receipt</h1><p id='note'></p>");
  win.document.getElementById("note").textContent = order.note;
}
