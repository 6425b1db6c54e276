use super::state::State;
pub fn formatting(
    _s: &mut State,
    _p: &lsp_types::DocumentFormattingParams,
) -> Option<Vec<lsp_types::TextEdit>> {
    None
}
