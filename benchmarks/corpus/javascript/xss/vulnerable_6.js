function printReceipt(order) {
  const win = window.open("", "receipt");
  win.document.write("<h1>Receipt " + order.id + "</h1><p>" + order.note + "</p>");  // VULN
}
