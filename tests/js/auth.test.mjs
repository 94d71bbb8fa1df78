// addin/static/js/auth.js: the token xlwings sends with every function and script call,
// and the task pane's Adgang field (Gem / Glem).
import assert from "node:assert/strict";
import { test } from "node:test";
import { fakeDocument, fakeElement, fakeLocalStorage, load, officeMocks } from "./harness.mjs";

const KEY = "itbudgetToken";

function setUp({ providers = [], broken = false, elements } = {}) {
  const mocks = officeMocks();
  const localStorage = fakeLocalStorage({ broken });
  const document = fakeDocument(elements);
  const xlwings = { getAccessToken: async () => "entra-token" };
  const ctx = load(["auth.js"], {
    localStorage, document, xlwings, config: { authProviders: providers },
    OfficeRuntime: mocks.OfficeRuntime,
  });
  return { ctx, localStorage, document, ...mocks };
}

function paneElements(tokenValue = "") {
  return {
    "itb-token": fakeElement(tokenValue),
    "itb-token-save": fakeElement(),
    "itb-token-clear": fakeElement(),
    "itb-token-status": fakeElement(),
  };
}

test("a saved token is sent as a Bearer token", async () => {
  const { ctx, localStorage } = setUp();
  localStorage.setItem(KEY, "abc123");
  assert.deepEqual({ ...(await ctx.getAuth()) }, { token: "Bearer abc123", provider: "" });
});

test("no token saved: an empty Authorization, never 'Bearer '", async () => {
  const { ctx } = setUp();
  assert.deepEqual({ ...(await ctx.getAuth()) }, { token: "", provider: "" });
});

test("the custom functions' runtime without localStorage reads OfficeRuntime.storage", async () => {
  const { ctx, storage } = setUp({ broken: true });
  storage.set(KEY, "from-runtime");
  assert.equal((await ctx.getAuth()).token, "Bearer from-runtime");
});

test("with Microsoft Entra ID the Office single sign-on token is used", async () => {
  const { ctx, localStorage } = setUp({ providers: ["entraid"] });
  localStorage.setItem(KEY, "ignored");
  assert.deepEqual({ ...(await ctx.getAuth()) }, { token: "entra-token", provider: "entraid" });
});

test("Gem stores the trimmed token in both stores and clears the field", async () => {
  const elements = paneElements("  s3cret  ");
  const { document, localStorage, storage } = setUp({ elements });
  await document.ready();
  assert.equal(elements["itb-token-status"].textContent, "Ingen adgangsnøgle gemt endnu.");
  await elements["itb-token-save"].fire("click");
  assert.equal(localStorage.getItem(KEY), "s3cret");
  assert.equal(storage.get(KEY), "s3cret");
  assert.equal(elements["itb-token"].value, "");
  assert.match(elements["itb-token-status"].textContent, /^Adgangsnøglen er gemt\./);
});

test("Gem with an empty field asks for the token and stores nothing", async () => {
  const elements = paneElements("   ");
  const { document, localStorage } = setUp({ elements });
  await document.ready();
  await elements["itb-token-save"].fire("click");
  assert.equal(elements["itb-token-status"].textContent, "Indsæt adgangsnøglen først.");
  assert.equal(localStorage.getItem(KEY), null);
});

test("Glem removes the token from both stores", async () => {
  const elements = paneElements();
  const { document, localStorage, storage } = setUp({ elements });
  localStorage.setItem(KEY, "old");
  storage.set(KEY, "old");
  await document.ready();
  assert.equal(elements["itb-token-status"].textContent, "Adgangsnøglen er gemt på denne pc.");
  await elements["itb-token-clear"].fire("click");
  assert.equal(localStorage.getItem(KEY), null);
  assert.equal(storage.has(KEY), false);
  assert.equal(elements["itb-token-status"].textContent, "Adgangsnøglen er glemt på denne pc.");
});

test("with Entra ID the pane has no token field and the script leaves it alone", async () => {
  const { document } = setUp({ providers: ["entraid"], elements: {} });
  assert.doesNotThrow(() => document.ready());
});
