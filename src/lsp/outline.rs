use super::state::State;
pub fn legend() -> serde_json::Value {
    serde_json::json!({"tokenTypes": [], "tokenModifiers": []})
}
pub fn document_symbols(
    _s: &mut State,
    _p: &lsp_types::DocumentSymbolParams,
) -> Option<lsp_types::DocumentSymbolResponse> {
    None
}
pub fn folding_ranges(
    _s: &mut State,
    _p: &lsp_types::FoldingRangeParams,
) -> Option<Vec<lsp_types::FoldingRange>> {
    None
}
pub fn semantic_tokens(
    _s: &mut State,
    _p: &lsp_types::SemanticTokensParams,
) -> Option<lsp_types::SemanticTokensResult> {
    None
}
