//! The kinds of change the diff reports, and their classes.

use std::fmt;

/// Whether a change breaks a client generated from the old schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// A client generated from the old schema may fail against the new API, or
    /// code using it stops compiling once the client is regenerated.
    Breaking,
    /// Existing calls keep working; some changes still deserve a look (see
    /// [`ChangeKind::needs_review`]).
    NonBreaking,
}

impl Class {
    /// `breaking` or `non-breaking`.
    pub fn name(self) -> &'static str {
        match self {
            Class::Breaking => "breaking",
            Class::NonBreaking => "non-breaking",
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

macro_rules! kinds {
    ($($(#[$doc:meta])* $variant:ident => $name:literal, $class:ident, $review:literal;)*) => {
        /// What changed. Each kind has one [`Class`] and a stable kebab-case
        /// name used in the JSON report and in test verdict files.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum ChangeKind {
            $($(#[$doc])* $variant,)*
        }

        impl ChangeKind {
            /// Every kind, breaking ones first.
            pub const ALL: &'static [ChangeKind] = &[$(ChangeKind::$variant),*];

            /// The stable kebab-case name, such as `operation-removed`.
            pub fn name(self) -> &'static str {
                match self { $(ChangeKind::$variant => $name,)* }
            }

            /// Whether the change breaks a client generated from the old schema.
            pub fn class(self) -> Class {
                match self { $(ChangeKind::$variant => Class::$class,)* }
            }

            /// Whether a non-breaking change still deserves a maintainer's look.
            pub fn needs_review(self) -> bool {
                match self { $(ChangeKind::$variant => $review,)* }
            }

            /// The kind with this name.
            pub fn from_name(name: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|kind| kind.name() == name)
            }
        }
    };
}

kinds! {
    /// An operation of the old schema is gone.
    OperationRemoved => "operation-removed", Breaking, false;
    /// The same method and path now has another `operationId` (the generated
    /// method is renamed).
    OperationRenamed => "operation-renamed", Breaking, false;
    /// The operation moved to another path template.
    PathChanged => "path-changed", Breaking, false;
    /// The operation uses another HTTP method.
    MethodChanged => "method-changed", Breaking, false;
    /// A new required parameter, or an optional one that became required.
    RequiredParameterAdded => "required-parameter-added", Breaking, false;
    /// A parameter is gone.
    ParameterRemoved => "parameter-removed", Breaking, false;
    /// A parameter moved to another location (query, header, path, cookie).
    ParameterMoved => "parameter-moved", Breaking, false;
    /// A parameter's type or format narrowed: fewer values are accepted.
    ParameterNarrowed => "parameter-narrowed", Breaking, false;
    /// A parameter is serialised differently (`style` or `explode`).
    ParameterStyleChanged => "parameter-style-changed", Breaking, false;
    /// A success (2xx) status is no longer documented.
    SuccessStatusRemoved => "success-status-removed", Breaking, false;
    /// The success statuses changed: one replaced by another, or a new one
    /// the old client does not expect.
    SuccessStatusChanged => "success-status-changed", Breaking, false;
    /// Authentication became required, or another scheme is required.
    SecurityChanged => "security-changed", Breaking, false;
    /// A request body the old client sends may be refused.
    RequestBodyChanged => "request-body-changed", Breaking, false;
    /// A response body the old client reads may not parse.
    ResponseBodyChanged => "response-body-changed", Breaking, false;
    /// A new operation.
    OperationAdded => "operation-added", NonBreaking, false;
    /// A new optional parameter.
    OptionalParameterAdded => "optional-parameter-added", NonBreaking, false;
    /// A parameter accepts more values, or became optional.
    ParameterWidened => "parameter-widened", NonBreaking, false;
    /// A newly documented error status.
    ErrorStatusAdded => "error-status-added", NonBreaking, false;
    /// An error status is no longer documented.
    ErrorStatusRemoved => "error-status-removed", NonBreaking, false;
    /// A request body change the old client is not affected by.
    RequestBodyCompatible => "request-body-compatible", NonBreaking, false;
    /// A response body change the old client can still read.
    ResponseBodyCompatible => "response-body-compatible", NonBreaking, false;
    /// A summary, description or title changed.
    DescriptionChanged => "description-changed", NonBreaking, false;
    /// The operation is marked deprecated.
    OperationDeprecated => "operation-deprecated", NonBreaking, false;
    /// The server URLs changed: check the crate's default base URL.
    ServerChanged => "server-changed", NonBreaking, true;
    /// Less authentication is required, or another scheme is also accepted.
    SecurityRelaxed => "security-relaxed", NonBreaking, true;
    /// A difference this tool does not classify, such as a changed default.
    OtherChange => "other-change", NonBreaking, true;
}

impl fmt::Display for ChangeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One reported change.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// What changed.
    pub kind: ChangeKind,
    /// A one-line, lower-case description, such as
    /// ``query parameter `page`: type integer -> string``.
    pub message: String,
}

impl Change {
    pub(crate) fn new(kind: ChangeKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }

    /// The class of the change's kind.
    pub fn class(&self) -> Class {
        self.kind.class()
    }

    /// Whether the change is breaking.
    pub fn is_breaking(&self) -> bool {
        self.class() == Class::Breaking
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_round_trip() {
        for kind in ChangeKind::ALL {
            assert_eq!(ChangeKind::from_name(kind.name()), Some(*kind));
        }
        let mut names: Vec<_> = ChangeKind::ALL.iter().map(|k| k.name()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ChangeKind::ALL.len());
    }

    #[test]
    fn review_is_only_asked_for_non_breaking_kinds() {
        for kind in ChangeKind::ALL {
            assert!(
                !(kind.needs_review() && kind.class() == Class::Breaking),
                "{kind}"
            );
        }
    }
}
