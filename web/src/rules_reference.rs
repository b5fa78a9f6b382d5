//! The rules reference: every rule with its id (the same as the CLI's and SARIF's),
//! title, severity and documentation. Its one prop is the docs (they load after the
//! page), so Yew renders it again only when they arrive, never while the user types.

use yew::prelude::*;

use crate::markdown;
use crate::rule_docs::RuleDocs;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub docs: RuleDocs,
}

#[function_component(RulesReference)]
pub fn rules_reference(props: &Props) -> Html {
    let shown = use_state(|| false);
    let open = use_state(|| None::<&'static str>);
    let rules = headwarden_core::rules::all();
    let ids = rules.iter().map(|r| r.id).collect::<Vec<_>>().join(" ");
    let toggle_all = {
        let shown = shown.clone();
        Callback::from(move |_| shown.set(!*shown))
    };
    html! {
        <section class="panel rules-panel" id="rules" aria-labelledby="rules-heading" data-rule-ids={ids}>
            <div class="panel-head">
                <h2 id="rules-heading">{format!("Rules ({})", rules.len())}</h2>
                <button type="button" class="button ghost small" aria-expanded={if *shown { "true" } else { "false" }}
                    aria-controls="rules-list" onclick={toggle_all}>
                    { if *shown { "Hide" } else { "Show all" } }
                </button>
            </div>
            <p class="muted">{"Every check headwarden runs, with the ids the CLI, SARIF and CI gates use."}</p>
            <ul id="rules-list" class="rules-list" hidden={!*shown}>
                if *shown {
                    { for rules.iter().map(|rule| {
                        let is_open = *open == Some(rule.id);
                        let body_id = format!("rule-{}", rule.id);
                        let onclick = {
                            let open = open.clone();
                            let id = rule.id;
                            Callback::from(move |_| open.set(if *open == Some(id) { None } else { Some(id) }))
                        };
                        html! {
                            <li data-rule-id={rule.id}>
                                <button type="button" class="finding-toggle" aria-expanded={if is_open { "true" } else { "false" }}
                                    aria-controls={body_id.clone()} onclick={onclick}>
                                    <span class="chevron" aria-hidden="true">{if is_open { "▾" } else { "▸" }}</span>
                                    <span class={classes!("pill", format!("sev-{}", rule.severity.as_str()))}>{rule.severity.as_str()}</span>
                                    <code class="rule-id">{rule.id}</code>
                                    <span class="finding-title">{rule.title}</span>
                                    <span class="muted family">{rule.family.title()}</span>
                                </button>
                                <div id={body_id} class="finding-body docs" hidden={!is_open}>
                                    if is_open {
                                        { match props.docs.get(rule.id) {
                                            Ok(docs) => markdown::render(docs, 2),
                                            Err(why) => html! { <p class="muted">{why}</p> },
                                        } }
                                        { for rule.fixes.iter().map(|(tab, snippet)| html! {
                                            <>
                                                <h4>{ match tab { "flask" => "Fix: Flask", "policy" => "Fix: headwarden policy", "nginx" => "Fix: nginx", _ => "Fix" } }</h4>
                                                <pre class="code"><code>{snippet}</code></pre>
                                            </>
                                        }) }
                                    }
                                </div>
                            </li>
                        }
                    }) }
                }
            </ul>
        </section>
    }
}
