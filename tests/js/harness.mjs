// Loads one of the add-in's classic browser scripts (addin/static/js) into a fresh
// V8 context with the globals the task pane gives it: Office (office-addin-mock),
// OfficeRuntime.storage, localStorage, document, config and xlwings. Returns the
// context's global object and the fakes, so a test can drive the script like Excel does.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";
import { OfficeMockObject } from "office-addin-mock";

const JS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "addin", "static", "js");

export function fakeLocalStorage({ broken = false } = {}) {
  const items = new Map();
  const guard = () => {
    if (broken) throw new Error("SecurityError: localStorage is disabled");
  };
  return {
    items,
    getItem: (k) => (guard(), items.has(k) ? items.get(k) : null),
    setItem: (k, v) => (guard(), items.set(k, String(v))),
    removeItem: (k) => (guard(), items.delete(k)),
  };
}

export function fakeElement(value = "") {
  const listeners = {};
  return {
    value,
    textContent: "",
    addEventListener: (type, fn) => (listeners[type] = fn),
    fire: (type) => listeners[type](),
  };
}

export function fakeDocument(elements = {}) {
  const listeners = {};
  return {
    getElementById: (id) => elements[id] || null,
    addEventListener: (type, fn) => (listeners[type] = fn),
    ready: () => (listeners.DOMContentLoaded ? listeners.DOMContentLoaded() : undefined),
  };
}

export function officeMocks() {
  const associated = {};
  const storage = new Map();
  const Office = new OfficeMockObject({
    actions: {
      associate: function (name, fn) {
        associated[name] = fn;
      },
    },
  });
  const OfficeRuntime = new OfficeMockObject({
    storage: {
      getItem: async (k) => (storage.has(k) ? storage.get(k) : null),
      setItem: async (k, v) => void storage.set(k, v),
      removeItem: async (k) => void storage.delete(k),
    },
  });
  return { Office, OfficeRuntime, associated, storage };
}

export function load(files, globals) {
  const context = vm.createContext({ console, ...globals });
  for (const file of files) {
    vm.runInContext(readFileSync(join(JS_DIR, file), "utf8"), context, { filename: file });
  }
  return context;
}
