const CryptoJS = require("crypto-js");

function encryptNote(text, passphrase) {
  return CryptoJS.TripleDES.encrypt(text, passphrase).toString();  // VULN
}
module.exports = encryptNote;
