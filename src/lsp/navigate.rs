use super::state::State;
pub fn definition(
    _s: &mut State,
    _p: &lsp_types::GotoDefinitionParams,
) -> Option<lsp_types::GotoDefinitionResponse> {
    None
}
pub fn references(
    _s: &mut State,
    _p: &lsp_types::ReferenceParams,
) -> Option<Vec<lsp_types::Location>> {
    None
}
pub fn prepare_rename(
    _s: &mut State,
    _p: &lsp_types::TextDocumentPositionParams,
) -> Option<lsp_types::PrepareRenameResponse> {
    None
}
pub fn rename(
    _s: &mut State,
    _p: &lsp_types::RenameParams,
) -> Result<Option<lsp_types::WorkspaceEdit>, String> {
    Ok(None)
}
