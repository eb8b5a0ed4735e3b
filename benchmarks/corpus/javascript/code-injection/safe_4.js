function scheduleReminder(userName, minutes) {
  setTimeout(() => notify(userName), minutes * 60000);
}
