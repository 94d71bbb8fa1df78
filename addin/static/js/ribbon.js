// IT-budget: the ribbon tab's buttons (manifest: addin/manifest.py, ExecuteFunction).
// Overrides xlwings Server's static/js/ribbon.js (same file name in the project dir), whose
// demo button called a script this server does not have. Each button runs the script of
// the same name, with the same authentication as the task pane (auth.js: getAuth), and
// always completes the event, or Excel would show the button as busy forever.
const ITB_RIBBON_SCRIPTS = {
  "itb-valider": "Valider",
  "itb-opdater": "Opdater",
  "itb-konsolider": "Konsolider",
};

function itbRibbonHandler(scriptName) {
  return async function (event) {
    try {
      const auth =
        typeof globalThis.getAuth === "function"
          ? await globalThis.getAuth()
          : { token: "", provider: "" };
      await xlwings.runPython({
        auth: auth.token,
        scriptName: scriptName,
        headers: { "Auth-Provider": auth.provider },
      });
    } catch (error) {
      console.error("IT-budget: " + scriptName + " kunne ikke køres:", error);
    } finally {
      event.completed();
    }
  };
}

for (const [functionName, scriptName] of Object.entries(ITB_RIBBON_SCRIPTS)) {
  Office.actions.associate(functionName, itbRibbonHandler(scriptName));
}
