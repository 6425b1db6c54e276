//! Go to definition, find references and rename, for every kind of name and across the
//! files of a root plan.

use super::index::{Kind, Occurrence};
use super::state::{State, View};
use lsp_types::{
    GotoDefinitionParams, GotoDefinitionResponse, Location, PrepareRenameResponse, ReferenceParams,
    RenameParams, TextDocumentPositionParams, TextEdit, WorkspaceEdit,
};
use std::collections::HashMap;

/// The name under the cursor.
fn occurrence(view: &View<'_>, position: lsp_types::Position) -> Option<Occurrence> {
    view.index().at(view.file, view.offset(position))
}

pub fn definition(state: &mut State, p: &GotoDefinitionParams) -> Option<GotoDefinitionResponse> {
    let p = &p.text_document_position_params;
    let view = state.view(&p.text_document.uri)?;
    let o = occurrence(&view, p.position)?;
    let first = view
        .index()
        .all(o.symbol)
        .into_iter()
        .find(|x| x.definition)?;
    let location = view.locations(&[first.span]).into_iter().next()?;
    Some(GotoDefinitionResponse::Scalar(location))
}

pub fn references(state: &mut State, p: &ReferenceParams) -> Option<Vec<Location>> {
    let at = &p.text_document_position;
    let view = state.view(&at.text_document.uri)?;
    let o = occurrence(&view, at.position)?;
    let spans: Vec<_> = view
        .index()
        .all(o.symbol)
        .into_iter()
        .filter(|x| p.context.include_declaration || !x.definition)
        .map(|x| x.span)
        .collect();
    Some(view.locations(&spans))
}

pub fn prepare_rename(
    state: &mut State,
    p: &TextDocumentPositionParams,
) -> Option<PrepareRenameResponse> {
    let view = state.view(&p.text_document.uri)?;
    let o = occurrence(&view, p.position)?;
    Some(PrepareRenameResponse::Range(view.range(o.span)))
}

/// Whether `name` reads as one name where a definition's name stands: the grammar's
/// own answer, from parsing a one-line strategy.
fn is_name(name: &str) -> bool {
    let text = format!("strategy {name}\n");
    let (tree, diagnostics) = crate::syntax::parse(crate::source::FileId(0), &text);
    diagnostics.is_empty()
        && matches!(tree.items.as_slice(),
            [crate::syntax::ast::Item::Strategy(s)] if s.name.text == name && s.label.is_none())
}

pub fn rename(state: &mut State, p: &RenameParams) -> Result<Option<WorkspaceEdit>, String> {
    let at = &p.text_document_position;
    let Some(view) = state.view(&at.text_document.uri) else {
        return Ok(None);
    };
    let Some(o) = occurrence(&view, at.position) else {
        return Err("there is no name here to rename".to_string());
    };
    let index = &view.index();
    let Some(symbol) = index.symbols.get(o.symbol) else {
        return Ok(None);
    };
    let new = p.new_name.as_str();
    if !is_name(new) {
        return Err(format!(
            "`{}` is not a name: a name is a letter or `_` followed by letters, digits or `_`",
            crate::source::escape_control(new)
        ));
    }
    if new != symbol.name && index.taken(symbol, new) {
        let noun = match symbol.kind {
            Kind::Team | Kind::Rep => "team or rep",
            other => other.noun(),
        };
        let place = if symbol.scope.is_empty() {
            String::new()
        } else {
            format!(" in `{}`", symbol.scope)
        };
        return Err(format!("a {noun} named `{new}` already exists{place}"));
    }
    let spans: Vec<_> = index.all(o.symbol).into_iter().map(|x| x.span).collect();
    // The URI type caches its parts inside (hence clippy's warning); its hash and
    // equality read only the text, which never changes once parsed.
    #[allow(clippy::mutable_key_type)]
    let mut changes: HashMap<lsp_types::Uri, Vec<TextEdit>> = HashMap::new();
    for location in view.locations(&spans) {
        changes.entry(location.uri).or_default().push(TextEdit {
            range: location.range,
            new_text: new.to_string(),
        });
    }
    Ok(Some(WorkspaceEdit {
        changes: Some(changes),
        ..Default::default()
    }))
}
