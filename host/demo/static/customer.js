// The customer page a website tab opens: it shows the customer named in
// its address.
const params = new URLSearchParams(location.search);
const name = params.get("name") || "Unknown customer";

/** A stable sample account number for a name. */
function accountNumber(text) {
  let h = 0;
  for (const ch of text) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return `ACC-${String(h % 1000000).padStart(6, "0")}`;
}

document.title = `${name} — Contoso CRM`;
document.getElementById("name").textContent = name;
document.getElementById("channel").textContent = params.get("channel") || "—";
document.getElementById("account").textContent = accountNumber(name);
