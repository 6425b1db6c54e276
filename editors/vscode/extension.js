// The planck extension: starts `planck lsp` for .plan files. Highlighting comes from the
// TextMate grammar; everything else (diagnostics, hover, definition, rename,
// completion, inlay hints, formatting) from the language server.
"use strict";

const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function start() {
  const config = vscode.workspace.getConfiguration("planck");
  const command = config.get("path") || "planck";
  const serverOptions = { command, args: ["lsp"] };
  const clientOptions = {
    documentSelector: [{ scheme: "file", language: "plan" }],
    synchronize: {
      // planck.toml and included files change diagnostics too.
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{*.plan,planck.toml,*.csv}"),
    },
  };
  client = new LanguageClient("planck", "planck", serverOptions, clientOptions);
  return client.start().catch((err) => {
    vscode.window.showErrorMessage(
      `planck: could not start \`${command} lsp\` (${err.message}). Set "planck.path" to the planck executable.`
    );
  });
}

async function activate(context) {
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("planck.path")) {
        if (client) {
          await client.stop();
        }
        await start();
      }
    })
  );
  await start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
