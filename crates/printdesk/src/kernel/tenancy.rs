//! Account sets (账套) as the unit of isolation: [`AccountSetId`] and [`Scope`].
//!
//! DESIGN.md rule 3: every business row belongs to one account set, and the account set of a
//! request comes only from the signed-in session. [`Scope`] is how that holds by construction:
//! store functions take a `&Scope`, and outside the kernel a `Scope` can only be obtained from a
//! `CurrentUser`, which only the auth extractor builds — or, for command-line tasks that act on
//! an account set named by the operator, from [`Scope::for_operator_task`].

/// The id of an account set (账套).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AccountSetId(pub i64);

/// The account set a request acts in. Every store function on a business table takes one and
/// puts `account_set_id = $1` first in its `where`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Scope {
    account_set_id: AccountSetId,
}

impl Scope {
    /// Built by the auth extractor from the session or API token.
    pub(in crate::kernel) fn from_session(account_set_id: AccountSetId) -> Scope {
        Scope { account_set_id }
    }

    /// For `printdesk` subcommands (`init`, `demo`, `check`) run by the operator on the server,
    /// who names the account set on the command line. Never call this from a request path.
    pub fn for_operator_task(account_set_id: AccountSetId) -> Scope {
        Scope { account_set_id }
    }

    pub fn account_set_id(&self) -> AccountSetId {
        self.account_set_id
    }

    /// The id as bound into SQL.
    pub fn id(&self) -> i64 {
        self.account_set_id.0
    }
}
