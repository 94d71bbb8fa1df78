// IT-budget: how the task pane and the ITB.* functions authenticate to the server.
// Overrides xlwings Server's static/js/auth.js (same file name in the project dir).
// xlwings calls globalThis.getAuth() before every custom function and script call and
// sends the token as the Authorization header.
//  * Microsoft Entra ID (XLWINGS_AUTH_PROVIDERS=["entraid"]): Office single sign-on token.
//  * Token file (itbudget serve --tokens): the token the user pasted into the task pane
//    once, kept in localStorage (shared with the custom functions: SharedRuntime).
const ITB_TOKEN_KEY = "itbudgetToken";

async function itbReadToken() {
  try {
    const token = localStorage.getItem(ITB_TOKEN_KEY);
    if (token) return token;
  } catch (e) {}
  try {
    if (globalThis.OfficeRuntime && OfficeRuntime.storage) {
      return (await OfficeRuntime.storage.getItem(ITB_TOKEN_KEY)) || "";
    }
  } catch (e) {}
  return "";
}

async function itbWriteToken(token) {
  try {
    if (token) localStorage.setItem(ITB_TOKEN_KEY, token);
    else localStorage.removeItem(ITB_TOKEN_KEY);
  } catch (e) {}
  try {
    if (globalThis.OfficeRuntime && OfficeRuntime.storage) {
      if (token) await OfficeRuntime.storage.setItem(ITB_TOKEN_KEY, token);
      else await OfficeRuntime.storage.removeItem(ITB_TOKEN_KEY);
    }
  } catch (e) {}
}

globalThis.getAuth = async function () {
  if (config.authProviders.includes("entraid")) {
    const token = await xlwings.getAccessToken();
    return { token: token, provider: "entraid" };
  }
  const token = await itbReadToken();
  return { token: token ? "Bearer " + token : "", provider: "" };
};

// The task pane's token field (absent with Entra ID, where Office signs in).
document.addEventListener("DOMContentLoaded", async function () {
  const input = document.getElementById("itb-token");
  const save = document.getElementById("itb-token-save");
  const forget = document.getElementById("itb-token-clear");
  const status = document.getElementById("itb-token-status");
  if (!input || !save || !forget || !status) return;
  const show = (text) => (status.textContent = text);
  show((await itbReadToken()) ? "Adgangsnøglen er gemt på denne pc." : "Ingen adgangsnøgle gemt endnu.");
  save.addEventListener("click", async function () {
    const token = input.value.trim();
    if (!token) return show("Indsæt adgangsnøglen først.");
    await itbWriteToken(token);
    input.value = "";
    show("Adgangsnøglen er gemt. Genberegn projektmappen (Ctrl+Alt+F9), hvis funktionerne viste fejl.");
  });
  forget.addEventListener("click", async function () {
    await itbWriteToken("");
    show("Adgangsnøglen er glemt på denne pc.");
  });
});
