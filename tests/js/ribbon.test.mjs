// addin/static/js/ribbon.js: the ribbon tab's buttons (manifest FunctionName) run the
// scripts with the task pane's authentication and always complete the event.
import assert from "node:assert/strict";
import { test } from "node:test";
import { load, officeMocks } from "./harness.mjs";

function setUp({ fail = false } = {}) {
  const mocks = officeMocks();
  const calls = [];
  const xlwings = {
    runPython: async (options) => {
      calls.push(options);
      if (fail) throw new Error("403");
    },
  };
  const ctx = load(["ribbon.js"], {
    Office: mocks.Office, xlwings,
    getAuth: async () => ({ token: "Bearer tok", provider: "" }),
    console: { error: () => {} },
  });
  return { ctx, calls, associated: mocks.associated };
}

function fakeEvent() {
  const event = { completed: () => (event.done = (event.done || 0) + 1) };
  return event;
}

test("the three ribbon functions are associated, and nothing of xlwings' demo", () => {
  const { associated } = setUp();
  assert.deepEqual(Object.keys(associated).sort(), ["itb-konsolider", "itb-opdater", "itb-valider"]);
});

for (const [name, script] of [["itb-valider", "Valider"], ["itb-opdater", "Opdater"],
                              ["itb-konsolider", "Konsolider"]]) {
  test(`${name} runs the script ${script} with the saved token`, async () => {
    const { associated, calls } = setUp();
    const event = fakeEvent();
    await associated[name](event);
    assert.equal(calls.length, 1);
    assert.equal(calls[0].scriptName, script);
    assert.equal(calls[0].auth, "Bearer tok");
    assert.deepEqual({ ...calls[0].headers }, { "Auth-Provider": "" });
    assert.equal(event.done, 1);
  });
}

test("a refused or failed script still completes the button's event", async () => {
  const { associated } = setUp({ fail: true });
  const event = fakeEvent();
  await associated["itb-konsolider"](event);
  assert.equal(event.done, 1);
});
