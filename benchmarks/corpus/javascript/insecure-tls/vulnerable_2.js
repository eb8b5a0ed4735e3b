if (process.env.NODE_ENV !== "production") {
  console.log("dev mode");
}
process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0";  // VULN
require("./server");
