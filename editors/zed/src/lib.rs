//! The Zed extension of planck: Zed starts `planck lsp` for `.plan` files. The
//! grammar and queries give the highlighting; everything else comes from the server.

use zed_extension_api::{self as zed, LanguageServerId, Result, settings::LspSettings};

struct Planck;

impl zed::Extension for Planck {
    fn new() -> Self {
        Planck
    }

    /// `planck lsp`, with `planck` from the `lsp.planck.binary.path` setting, else from
    /// the `PATH` of the project's shell.
    fn language_server_command(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let configured = LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.binary)
            .and_then(|b| b.path);
        let command = configured
            .or_else(|| worktree.which("planck"))
            .ok_or_else(|| {
                "planck is not on PATH: install it (`cargo install --path .` in planck's \
                 folder) or set lsp.planck.binary.path in Zed's settings"
                    .to_string()
            })?;
        Ok(zed::Command {
            command,
            args: vec!["lsp".to_string()],
            env: worktree.shell_env(),
        })
    }
}

zed::register_extension!(Planck);
