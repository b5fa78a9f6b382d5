//! The effective policy: which directive governs a kind of load (CSP3 §6.8.3 "Get fetch
//! directive fallback list", §6.8.4 "Should fetch directive execute"), which sources a
//! browser actually honours in it (what `'strict-dynamic'`, nonces and hashes disable,
//! CSP3 §6.7.3.2 and §8.2), and how several policies combine (a load must pass every
//! enforced policy, CSP3 §8.1).

use super::directive::DirectiveId;
use super::parse::{Directive, DirectiveState, ListFlags, Policy, Span, Value, ValueKind};
use super::source::{HostPattern, Keyword, SourceExpression};
use super::PolicyList;

/// One directive of a policy.
#[derive(Debug, Clone, Copy)]
pub struct DirectiveRef<'p> {
    pub policy: &'p Policy,
    pub index: usize,
}

/// One value token of a policy.
#[derive(Debug, Clone, Copy)]
pub struct ValueRef<'p> {
    pub policy: &'p Policy,
    pub index: usize,
}

impl<'p> ValueRef<'p> {
    pub fn value(&self) -> &'p Value {
        &self.policy.values[self.index]
    }

    /// The token as written.
    pub fn text(&self) -> &'p str {
        self.policy.str(self.value().span)
    }

    /// The source expression, when the token is a valid one.
    pub fn expr(&self) -> Option<SourceExpression<&'p str>> {
        match self.value().kind {
            ValueKind::Source(e) => Some(self.policy.expr(e)),
            _ => None,
        }
    }
}

/// The kinds of inline content of CSP3 §6.8.2 ("Get the effective directive for inline
/// checks").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InlineKind {
    /// `<script>` elements and `javascript:` navigations (script-src-elem).
    Script,
    /// Event handler attributes (script-src-attr).
    ScriptAttribute,
    /// `<style>` elements (style-src-elem).
    Style,
    /// `style` attributes (style-src-attr).
    StyleAttribute,
}

impl InlineKind {
    /// The inline kind a directive target governs.
    pub fn of(target: DirectiveId) -> Option<InlineKind> {
        Some(match target {
            DirectiveId::ScriptSrcElem | DirectiveId::ScriptSrc => InlineKind::Script,
            DirectiveId::ScriptSrcAttr => InlineKind::ScriptAttribute,
            DirectiveId::StyleSrcElem | DirectiveId::StyleSrc => InlineKind::Style,
            DirectiveId::StyleSrcAttr => InlineKind::StyleAttribute,
            _ => return None,
        })
    }

    fn is_script(self) -> bool {
        matches!(self, InlineKind::Script | InlineKind::ScriptAttribute)
    }
}

/// Why a valid source has no effect where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ignored {
    /// Host, scheme, `'self'` and `'unsafe-inline'` are ignored next to
    /// `'strict-dynamic'` for scripts (CSP3 §8.2).
    StrictDynamic,
    /// `'unsafe-inline'` is ignored next to a nonce or hash (CSP3 §6.7.3.2).
    NonceOrHash,
    /// `'strict-dynamic'` only applies to scripts.
    NotForThisDirective,
    /// The same source appears earlier in the directive.
    Duplicate,
}

impl Ignored {
    pub fn describe(self) -> &'static str {
        match self {
            Ignored::StrictDynamic => "ignored because of 'strict-dynamic' (CSP3 §8.2)",
            Ignored::NonceOrHash => "ignored because a nonce or hash is present (CSP3 §6.7.3.2)",
            Ignored::NotForThisDirective => "has no effect in this directive",
            Ignored::Duplicate => "duplicate of an earlier source",
        }
    }
}

impl<'p> DirectiveRef<'p> {
    pub fn directive(&self) -> &'p Directive {
        &self.policy.directives[self.index]
    }

    pub fn id(&self) -> Option<DirectiveId> {
        self.directive().id
    }

    /// The name: the table's for a known directive, as written for an unknown one.
    pub fn name(&self) -> &'p str {
        match self.id() {
            Some(id) => id.as_str(),
            None => self.policy.str(self.directive().name),
        }
    }

    pub fn flags(&self) -> ListFlags {
        self.directive().flags
    }

    pub fn state(&self) -> DirectiveState {
        self.directive().state
    }

    /// Every value token, valid or not.
    pub fn values(&self) -> impl ExactSizeIterator<Item = ValueRef<'p>> + 'p {
        let policy = self.policy;
        let r = self.directive().values.clone();
        (r.start as usize..r.end as usize).map(move |index| ValueRef { policy, index })
    }

    /// The valid, first-occurrence source expressions.
    pub fn sources(&self) -> impl Iterator<Item = (ValueRef<'p>, SourceExpression<&'p str>)> + 'p {
        self.values().filter_map(|v| {
            if v.value().duplicate {
                return None;
            }
            v.expr().map(|e| (v, e))
        })
    }

    /// The token holding `keyword`, if any.
    pub fn find_keyword(&self, keyword: Keyword) -> Option<ValueRef<'p>> {
        let wanted = ValueKind::Source(SourceExpression::Keyword(keyword));
        self.values()
            .find(|v| !v.value().duplicate && v.value().kind == wanted)
    }

    /// CSP3 §6.7.3.2 "Does a source list allow all inline behavior for type?".
    pub fn allows_all_inline(&self, kind: InlineKind) -> bool {
        let f = self.flags();
        if f.has(ListFlags::NONCE | ListFlags::HASH) {
            return false;
        }
        if kind.is_script() && f.has(ListFlags::STRICT_DYNAMIC) {
            return false;
        }
        f.has(ListFlags::UNSAFE_INLINE)
    }

    /// Why a valid source of this directive has no effect when the directive governs
    /// `target`.
    pub fn ignored(&self, target: DirectiveId, expr: &SourceExpression<&str>) -> Option<Ignored> {
        let f = self.flags();
        let script_like = target.is_script_like();
        if script_like
            && f.has(ListFlags::STRICT_DYNAMIC)
            && (expr.is_url_based() || expr.is_keyword(Keyword::UnsafeInline))
        {
            return Some(Ignored::StrictDynamic);
        }
        if expr.is_keyword(Keyword::UnsafeInline) && f.has(ListFlags::NONCE | ListFlags::HASH) {
            return Some(Ignored::NonceOrHash);
        }
        if expr.is_keyword(Keyword::StrictDynamic)
            && !script_like
            && target != DirectiveId::DefaultSrc
        {
            return Some(Ignored::NotForThisDirective);
        }
        None
    }

    /// The sources that take effect when this directive governs `target`.
    pub fn effective_sources(
        &self,
        target: DirectiveId,
    ) -> impl Iterator<Item = (ValueRef<'p>, SourceExpression<&'p str>)> + 'p {
        let this = *self;
        self.sources()
            .filter(move |(_, e)| this.ignored(target, e).is_none())
    }

    /// The effective sources of `target` that `keep` selects, testing the stored form
    /// first so that other sources cost no conversion.
    pub fn effective_sources_matching(
        &self,
        target: DirectiveId,
        keep: impl Fn(&SourceExpression<Span>) -> bool + 'p,
    ) -> impl Iterator<Item = (ValueRef<'p>, SourceExpression<&'p str>)> + 'p {
        let this = *self;
        self.values().filter_map(move |v| {
            let value = v.value();
            let ValueKind::Source(stored) = &value.kind else {
                return None;
            };
            if value.duplicate || !keep(stored) {
                return None;
            }
            let e = this.policy.expr(*stored);
            this.ignored(target, &e).is_none().then_some((v, e))
        })
    }

    /// Whether this directive, governing `target`, lets `what` through (approximately:
    /// hosts are compared by name, ports and paths are not compared).
    pub fn permits(&self, target: DirectiveId, what: &Allowance<'_>) -> bool {
        match what {
            Allowance::Inline(kind) => self.allows_all_inline(*kind),
            Allowance::Eval => self.flags().has(ListFlags::UNSAFE_EVAL),
            Allowance::Source(expr) => self
                .effective_sources(target)
                .any(|(_, mine)| covers(&mine, expr)),
        }
    }
}

/// Something a finding says a policy allows.
#[derive(Debug, Clone, Copy)]
pub enum Allowance<'a> {
    Inline(InlineKind),
    Eval,
    Source(SourceExpression<&'a str>),
}

/// Whether source `mine` allows at least what `theirs` allows (by scheme and host).
fn covers(mine: &SourceExpression<&str>, theirs: &SourceExpression<&str>) -> bool {
    use SourceExpression as S;
    let is_network = |scheme: Option<&str>| {
        scheme.is_none_or(|s| {
            ["http", "https", "ws", "wss"]
                .iter()
                .any(|n| n.eq_ignore_ascii_case(s))
        })
    };
    match (mine, theirs) {
        (S::Keyword(a), S::Keyword(b)) => a == b,
        (S::Nonce(a), S::Nonce(b)) => a == b,
        (S::Hash { digest: a, .. }, S::Hash { digest: b, .. }) => a == b,
        (S::Host(h), S::Keyword(Keyword::SelfOrigin)) => h.host == HostPattern::Any,
        (S::Scheme(a), S::Scheme(b)) => a.eq_ignore_ascii_case(b),
        (S::Host(h), S::Scheme(b)) => h.host == HostPattern::Any && is_network(Some(b)),
        (S::Scheme(a), S::Host(h)) => match h.scheme {
            Some(b) => a.eq_ignore_ascii_case(b),
            None => a.eq_ignore_ascii_case("https") || a.eq_ignore_ascii_case("http"),
        },
        (S::Host(mine), S::Host(theirs)) => {
            let scheme_ok = match (mine.scheme, theirs.scheme) {
                (None, _) => true,
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                (Some(_), None) => false,
            };
            scheme_ok && host_covers(mine.host, theirs.host)
        }
        _ => false,
    }
}

fn host_covers(mine: HostPattern<&str>, theirs: HostPattern<&str>) -> bool {
    let under = |host: &str, domain: &str| {
        host.len() > domain.len()
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
            && host[host.len() - domain.len()..].eq_ignore_ascii_case(domain)
    };
    match (mine, theirs) {
        (HostPattern::Any, _) => true,
        (_, HostPattern::Any) => false,
        (HostPattern::Exact(a), HostPattern::Exact(b)) => a.eq_ignore_ascii_case(b),
        (HostPattern::Exact(_), HostPattern::Wildcard(_)) => false,
        (HostPattern::Wildcard(a), HostPattern::Exact(b)) => under(b, a),
        (HostPattern::Wildcard(a), HostPattern::Wildcard(b)) => {
            a.eq_ignore_ascii_case(b) || under(b, a)
        }
    }
}

impl Policy {
    /// The active directive `id`.
    pub fn get(&self, id: DirectiveId) -> Option<DirectiveRef<'_>> {
        self.index_of(id).map(|index| DirectiveRef {
            policy: self,
            index,
        })
    }

    /// The directive that governs `target`: the first present of its fallback list
    /// (CSP3 §6.8.3); a non-fetch directive governs only itself.
    pub fn effective(&self, target: DirectiveId) -> Option<DirectiveRef<'_>> {
        let fallback = target.fallback();
        if fallback.is_empty() {
            return self.get(target);
        }
        fallback.iter().find_map(|id| self.get(*id))
    }

    /// Every directive token, in order (inactive ones included).
    pub fn all_directives(&self) -> impl Iterator<Item = DirectiveRef<'_>> {
        (0..self.directives.len()).map(move |index| DirectiveRef {
            policy: self,
            index,
        })
    }

    /// The active directives.
    pub fn active_directives(&self) -> impl Iterator<Item = DirectiveRef<'_>> {
        self.all_directives()
            .filter(|d| d.state() == DirectiveState::Active)
    }

    /// The distinct directives governing `targets`, each with the first target it
    /// governs (what Google's evaluator calls "effective directives").
    pub fn effective_distinct(
        &self,
        targets: &'static [DirectiveId],
    ) -> impl Iterator<Item = (DirectiveId, DirectiveRef<'_>)> {
        targets.iter().enumerate().filter_map(move |(i, &t)| {
            let d = self.effective(t)?;
            // Keep a directive only for the first target it governs.
            let earlier = targets[..i]
                .iter()
                .any(|&e| self.effective(e).is_some_and(|o| o.index == d.index));
            (!earlier).then_some((t, d))
        })
    }

    /// Whether this policy's scripts are strict (DESIGN "Scoring", A+): `<script>` loads
    /// are governed by a nonce or hash, no host/scheme/`'self'` allowlist takes effect
    /// (none listed, or all ignored because of `'strict-dynamic'`), and neither script
    /// elements nor event handlers allow `'unsafe-inline'` in effect.
    pub fn has_strict_scripts(&self) -> bool {
        let Some(elem) = self.effective(DirectiveId::ScriptSrcElem) else {
            return false;
        };
        if !elem.flags().has(ListFlags::NONCE | ListFlags::HASH) {
            return false;
        }
        let target = DirectiveId::ScriptSrcElem;
        if elem
            .effective_sources(target)
            .any(|(_, e)| e.is_url_based() || e.is_keyword(Keyword::UnsafeInline))
        {
            return false;
        }
        let attr_inline = self
            .effective(DirectiveId::ScriptSrcAttr)
            .is_some_and(|a| a.allows_all_inline(InlineKind::ScriptAttribute));
        !attr_inline
    }
}

/// Most policies whose combination [`PolicyList::blocked_by_another`] computes.
pub const MAX_COMBINED_POLICIES: usize = 32;

impl PolicyList {
    /// Whether a policy of the same disposition other than `me` blocks `what` for
    /// `target`: then a load that `me` allows is still refused (CSP3 §8.1: it must pass
    /// every policy).
    ///
    /// Past [`MAX_COMBINED_POLICIES`] policies the combination is not computed (each
    /// policy is then judged alone), which keeps evaluation linear on absurd inputs.
    pub fn blocked_by_another(&self, me: usize, target: DirectiveId, what: &Allowance<'_>) -> bool {
        if self.policies.len() > MAX_COMBINED_POLICIES {
            return false;
        }
        let Some(disposition) = self.policies.get(me).map(|p| p.disposition) else {
            return false;
        };
        self.policies.iter().enumerate().any(|(i, p)| {
            i != me
                && p.disposition == disposition
                && !p.is_empty()
                && p.effective(target)
                    .is_some_and(|d| !d.permits(target, what))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::csp::{Disposition, PolicySource};

    fn policy(text: &str) -> Policy {
        crate::csp::parse::parse_serialized_csp(
            text,
            PolicySource::Header,
            Disposition::Enforce,
            "csp",
        )
    }

    #[test]
    fn fallback_picks_the_most_specific_present_directive() {
        let p = policy("default-src 'none'; script-src 'self'; child-src https://a");
        assert_eq!(
            p.effective(DirectiveId::ScriptSrcElem).unwrap().name(),
            "script-src"
        );
        assert_eq!(
            p.effective(DirectiveId::WorkerSrc).unwrap().name(),
            "child-src"
        );
        assert_eq!(
            p.effective(DirectiveId::ImgSrc).unwrap().name(),
            "default-src"
        );
        assert!(p.effective(DirectiveId::FrameAncestors).is_none());
        assert!(p.effective(DirectiveId::BaseUri).is_none());
    }

    #[test]
    fn strict_dynamic_and_nonces_disable_what_the_spec_says() {
        let p = policy("script-src 'nonce-abc' 'strict-dynamic' 'unsafe-inline' https: 'self'; style-src 'unsafe-inline' 'strict-dynamic'");
        let script = p.effective(DirectiveId::ScriptSrcElem).unwrap();
        let kept: Vec<&str> = script
            .effective_sources(DirectiveId::ScriptSrcElem)
            .map(|(v, _)| v.text())
            .collect();
        assert_eq!(kept, ["'nonce-abc'", "'strict-dynamic'"]);
        assert!(!script.allows_all_inline(InlineKind::Script));
        let style = p.effective(DirectiveId::StyleSrcElem).unwrap();
        assert!(style.allows_all_inline(InlineKind::Style));
        assert!(p.has_strict_scripts());
    }

    #[test]
    fn strictness_needs_nonce_or_hash_and_no_effective_allowlist() {
        assert!(policy("script-src 'nonce-abc'").has_strict_scripts());
        assert!(policy("default-src 'sha256-abc=' 'strict-dynamic' https:").has_strict_scripts());
        assert!(!policy("script-src 'nonce-abc' https://cdn.example").has_strict_scripts());
        assert!(!policy("script-src 'nonce-abc' 'self'").has_strict_scripts());
        assert!(!policy("script-src 'strict-dynamic'").has_strict_scripts());
        assert!(!policy("script-src 'self'").has_strict_scripts());
        assert!(!policy(
            "script-src 'nonce-abc' 'strict-dynamic'; script-src-attr 'unsafe-inline'"
        )
        .has_strict_scripts());
    }

    #[test]
    fn permits_compares_hosts_and_schemes() {
        let p = policy("script-src https://*.example.com data:");
        let d = p.get(DirectiveId::ScriptSrc).unwrap();
        let t = DirectiveId::ScriptSrc;
        let src = |s: &'static str| Allowance::Source(crate::csp::source::parse(s).unwrap());
        assert!(d.permits(t, &src("https://cdn.example.com")));
        assert!(!d.permits(t, &src("*.cdn.example.com")));
        assert!(d.permits(t, &src("data:")));
        assert!(!d.permits(t, &src("https:")));
        assert!(!d.permits(t, &src("'self'")));
        assert!(!d.permits(t, &Allowance::Inline(InlineKind::Script)));
    }
}
