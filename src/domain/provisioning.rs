//! CRM.COM Conax provisioning requests (DESIGN §3, §6.3).

use super::catalog::text_enum;

text_enum!(
    ProvisioningType, "type", {
        AddSubscriptions => "ADD_SUBSCRIPTIONS",
        CancelSubscriptions => "CANCEL_SUBSCRIPTIONS",
    }
);

text_enum!(
    Priority, "priority", {
        Regular => "REGULAR",
        Express => "EXPRESS",
    }
);

text_enum!(
    LifeCycleState, "life_cycle_state", {
        Pending => "PENDING",
        Rejected => "REJECTED",
        Completed => "COMPLETED",
    }
);
