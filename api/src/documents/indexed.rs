//! A document as the search index keeps it: found by its title (ranked first), and by its
//! description, tags, file name and folder; shown with its description (or its folder);
//! findable by the same audience as the document itself. Read inside the transaction that
//! changed it, so the index never sees a half-made change.

use sqlx::Any;

use crate::search::index::{self, Audience, Item, Kind};

type Tx = sqlx::Transaction<'static, Any>;

#[derive(sqlx::FromRow)]
struct Indexed {
    title: String,
    description: String,
    tags: String,
    audience: String,
    updated_at: i64,
    folder: Option<String>,
    file_name: Option<String>,
}

/// Puts the document (as it is now, in `tx`) in the index; nothing when it is gone.
pub async fn put_in(tx: &mut Tx, id: i64) -> sqlx::Result<()> {
    let row: Option<Indexed> = sqlx::query_as(
        "SELECT d.title, d.description, d.tags, d.audience, d.updated_at, f.name AS folder, v.file_name \
         FROM documents d LEFT JOIN doc_folders f ON f.id = d.folder_id \
         LEFT JOIN document_versions v ON v.id = d.current_version WHERE d.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let Some(row) = row else { return remove_in(tx, id).await };
    let audience = match row.audience.as_str() {
        "students" => Audience::Students,
        "teachers" => Audience::Teachers,
        "listed" => {
            let listed: Vec<(Option<i64>, Option<i64>)> =
                sqlx::query_as("SELECT class_id, group_id FROM document_audience WHERE document_id = $1")
                    .bind(id)
                    .fetch_all(&mut **tx)
                    .await?;
            Audience::Listed {
                classes: listed.iter().filter_map(|(c, _)| *c).collect(),
                groups: listed.iter().filter_map(|(_, g)| *g).collect(),
            }
        }
        _ => Audience::Everyone,
    };
    let tags: Vec<String> = serde_json::from_str(&row.tags).unwrap_or_default();
    let folder = row.folder.unwrap_or_default();
    let body = [row.description.as_str(), &tags.join(" "), row.file_name.as_deref().unwrap_or(""), &folder]
        .into_iter()
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("\n");
    let summary = if row.description.trim().is_empty() { folder } else { row.description.clone() };
    let item = Item { kind: Kind::Document, ref_id: id, title: row.title, body, summary, audience, at: row.updated_at };
    index::put_in(tx, &item).await
}

pub async fn remove_in(tx: &mut Tx, id: i64) -> sqlx::Result<()> {
    index::remove_in(tx, Kind::Document, id).await
}

/// Puts every document of a folder again (its name is in their words).
pub async fn put_folder_in(tx: &mut Tx, folder_id: i64) -> sqlx::Result<()> {
    let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM documents WHERE folder_id = $1")
        .bind(folder_id)
        .fetch_all(&mut **tx)
        .await?;
    for id in ids {
        put_in(tx, id).await?;
    }
    Ok(())
}
