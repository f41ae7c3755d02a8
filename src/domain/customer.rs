//! Customers and their hierarchy (docs/design.md §3: a *sub-customer* is a direct child).

use super::ids::{CustomerId, TenantId};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Customer {
    pub id: CustomerId,
    pub tenant: TenantId,
    pub parent: Option<CustomerId>,
    pub name: String,
}

impl Customer {
    /// floLIVE eligibility (the floLIVE *Detach Customer Product* page): "The Requestor is eligible to detach a product from
    /// his sub-customers only" — a direct child, not itself, its parent or grandchildren.
    pub fn is_direct_child_of(&self, requestor: CustomerId) -> bool {
        self.parent == Some(requestor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn customer(id: CustomerId, parent: Option<CustomerId>) -> Customer {
        Customer {
            id,
            tenant: TenantId::new(),
            parent,
            name: "x".into(),
        }
    }

    #[test]
    fn only_direct_children_are_sub_customers() {
        let root = CustomerId::new();
        let child = customer(CustomerId::new(), Some(root));
        let grandchild = customer(CustomerId::new(), Some(child.id));
        assert!(child.is_direct_child_of(root));
        assert!(!grandchild.is_direct_child_of(root));
        assert!(!customer(root, None).is_direct_child_of(root));
    }
}
