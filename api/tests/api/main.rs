//! Integration tests: each starts the real application on port 0 with its own database
//! (a temp SQLite file, or a fresh PostgreSQL schema when `DATABASE_URL` is set) and its
//! own Kv prefix (in-process, or Redis when `REDIS_URL` is set), so they run in parallel.

mod activities;
mod api_tokens;
mod attendance_stats;
mod audit;
mod auth;
mod binding;
mod channels;
mod checkin;
mod checkin_helpers;
mod checkin_roll;
mod checkin_rules;
mod cli;
mod delivery;
mod fault_proxy;
mod faults;
mod group_scope;
mod helpers;
mod http;
mod kv;
mod lease_expiry;
mod menus;
mod message_log;
mod notice_helpers;
mod notices;
mod people;
mod receipts;
mod released_wechat;
mod reminders;
mod roster;
mod roster_files;
mod security_headers;
mod seed_api;
mod spec;
mod stats;
mod stats_helpers;
mod teacher_binding;
mod throttles;
mod users;
mod webhook;
mod webhook_replay;
mod wechat_calls;
mod wechat_helpers;
mod wechat_protocol;
mod wechat_tokens;
