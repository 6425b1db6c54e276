use super::state::State;
pub fn hover(_s: &mut State, _p: &lsp_types::HoverParams) -> Option<lsp_types::Hover> {
    None
}
