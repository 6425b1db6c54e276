use super::state::State;
pub fn completion(
    _s: &mut State,
    _p: &lsp_types::CompletionParams,
) -> Option<lsp_types::CompletionResponse> {
    None
}
