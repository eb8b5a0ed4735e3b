if (process.env.NODE_TLS_REJECT_UNAUTHORIZED === "0") {
  throw new Error("refusing to start with TLS verification disabled");
}
require("./server");
