//! The receiving end of coordination: what a webhook handler does with one Tigris delivery
//! (`POST {"events":[…]}`, docs/protocol.md §9.2). [`authorize`] checks its `Authorization`
//! header against the `auth` given to `setupCoordination`, in constant time; [`events`] reads
//! its body into [`CoordinationEvent`]s, each with an [`id`](CoordinationEvent::id) that a
//! redelivery of the same event repeats. Plain Rust: the wasm export
//! (`receiveCoordinationEvents`) and the native `AgentKit::receive_coordination_events` both
//! call these two.

mod auth;
mod events;

pub use auth::{authorize, expected_auth};
pub use events::{check_size, events, for_each_event, CoordinationEvent, MAX_DELIVERY_BYTES};
