const CryptoJS = require("crypto-js");

function encryptNote(text, passphrase) {
  return CryptoJS.AES.encrypt(text, passphrase).toString();
}
module.exports = encryptNote;
