// Demo only: embeds the Kefu widget the way a shop would, for the inbox in ?inbox= (or the server's default inbox).
// ?externalId=&name=&email=&signature= plays a signed-in shop user (identity verification).
(function () {
  var q = new URLSearchParams(location.search);
  if (q.get('externalId')) {
    window.KefuChatSettings = { identity: { externalId: q.get('externalId'), name: q.get('name'), email: q.get('email'), signature: q.get('signature') } };
  }
  function embed(inbox) {
    var s = document.createElement('script');
    s.src = '/widget/kefu.js';
    s.async = true;
    s.setAttribute('data-inbox', inbox);
    s.setAttribute('data-lang', document.documentElement.lang);
    document.body.appendChild(s);
  }
  if (q.get('inbox')) {
    embed(q.get('inbox'));
  } else {
    fetch('/widget/default').then(function (r) { return r.json(); }).then(function (d) { embed(d.inboxId); });
  }
  // Keep the query (inbox, identity) when switching language.
  document.querySelectorAll('a[data-keep-query]').forEach(function (a) { a.href = a.getAttribute('href') + location.search; });
})();
