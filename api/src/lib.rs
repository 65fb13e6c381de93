//! Banji: school notices, read receipts and check-ins over a WeChat Official Account.
//!
//! `main.rs` only calls `cli::main`; everything else lives here so tests can build the
//! real `Application` on port 0. Capabilities each own a folder (routes, queries, jobs):
//! `auth`, `users`, `api_tokens`, `audit`, `people`, `notices` (what is
//! sent), `delivery` (how it reaches each student), `stats` (numbers over many
//! notices), `wechat`. Shared plumbing: `config`, `db`, `kv`, `http`,
//! `error`, and `routes`, the one place the HTTP surface is assembled.

pub mod activities;
pub mod api_tags;
pub mod api_tokens;
pub mod app;
pub mod audit;
pub mod auth;
pub mod autoreply;
pub mod broadcast;
pub mod checkin;
pub mod cli;
pub mod config;
pub mod conversation;
pub mod db;
pub mod delivery;
pub mod desk;
pub mod documents;
pub mod error;
pub mod guides;
pub mod health;
pub mod http;
pub mod inbox;
pub mod kv;
pub mod mass;
pub mod menus;
pub mod notices;
pub mod people;
pub mod portal;
pub mod qrcodes;
pub mod receipts;
pub mod routes;
pub mod search;
pub mod seed_api;
pub mod settings;
pub mod state;
pub mod stats;
pub mod teacher_commands;
pub mod telemetry;
pub mod topics;
pub mod users;
pub mod wechat;

pub use app::Application;
pub use config::Config;
