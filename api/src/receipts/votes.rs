//! A notice's vote: one ballot per student (a list of option indexes), which the
//! student may change while the vote is open — the notice is out, not withdrawn, and
//! its deadline has not passed. Who sees the results is the vote's own setting;
//! voters' names are shown only to teachers, and never for an anonymous vote.

use shared::{Ballot, StudentVote, VoteOptionCount, VoteResults, VoteSpec, VoteTally};

use crate::db::{now_ms, Db};
use crate::error::{ApiError, ApiResult};
use crate::notices::store::NoticeRow;

/// Whether ballots are accepted now.
pub fn is_open(notice: &NoticeRow) -> bool {
    matches!(notice.status.as_str(), "sending" | "sent") && notice.deadline.is_none_or(|d| d > now_ms())
}

pub async fn tally(db: &Db, notice_id: i64, spec: &VoteSpec, with_names: bool) -> sqlx::Result<VoteTally> {
    let counts: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT option_no, COUNT(*) FROM vote_choices WHERE notice_id = $1 GROUP BY option_no ORDER BY option_no",
    )
    .bind(notice_id)
    .fetch_all(db.pool())
    .await?;
    let voters: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT student_id) FROM vote_choices WHERE notice_id = $1")
        .bind(notice_id)
        .fetch_one(db.pool())
        .await?;
    let mut options: Vec<VoteOptionCount> = spec
        .options
        .iter()
        .enumerate()
        .map(|(i, label)| VoteOptionCount {
            label: label.clone(),
            count: counts.iter().find(|(o, _)| *o == i as i64).map_or(0, |(_, n)| *n),
            voters: Vec::new(),
        })
        .collect();
    if with_names && !spec.anonymous {
        let names: Vec<(i64, String)> = sqlx::query_as(
            "SELECT v.option_no, s.name FROM vote_choices v JOIN students s ON s.id = v.student_id \
             WHERE v.notice_id = $1 ORDER BY v.option_no, s.student_no",
        )
        .bind(notice_id)
        .fetch_all(db.pool())
        .await?;
        for (option, name) in names {
            if let Some(o) = options.get_mut(option as usize) {
                o.voters.push(name);
            }
        }
    }
    Ok(VoteTally { voters, options })
}

async fn mine(db: &Db, notice_id: i64, student_id: Option<i64>) -> sqlx::Result<Vec<u32>> {
    let Some(student) = student_id else { return Ok(Vec::new()) };
    let choices: Vec<i64> = sqlx::query_scalar(
        "SELECT option_no FROM vote_choices WHERE notice_id = $1 AND student_id = $2 ORDER BY option_no",
    )
    .bind(notice_id)
    .bind(student)
    .fetch_all(db.pool())
    .await?;
    Ok(choices.into_iter().map(|c| c as u32).collect())
}

/// The vote as a reader's page shows it. `may_vote`: the reader is a bound recipient.
pub async fn for_student(
    db: &Db,
    notice: &NoticeRow,
    spec: VoteSpec,
    student_id: Option<i64>,
    may_vote: bool,
) -> sqlx::Result<StudentVote> {
    let mine = mine(db, notice.id, student_id).await?;
    let deadline_passed = notice.deadline.is_some_and(|d| d <= now_ms());
    let visible = match spec.results {
        VoteResults::Always => true,
        VoteResults::AfterVoting => !mine.is_empty() || deadline_passed,
        VoteResults::AfterDeadline => deadline_passed,
        VoteResults::TeachersOnly => false,
    };
    let tally = if visible { Some(tally(db, notice.id, &spec, false).await?) } else { None };
    Ok(StudentVote { open: may_vote && is_open(notice), spec, mine, tally })
}

/// Records (or replaces) a student's ballot.
pub async fn cast(db: &Db, notice: &NoticeRow, spec: &VoteSpec, student_id: i64, ballot: &Ballot) -> ApiResult<()> {
    if !is_open(notice) {
        return Err(ApiError::conflict("vote_closed", "the vote is closed"));
    }
    spec.check_ballot(&ballot.choices).map_err(|p| ApiError::field("choices", p.message()))?;
    let now = now_ms();
    let mut tx = db.begin_write().await?;
    sqlx::query("DELETE FROM vote_choices WHERE notice_id = $1 AND student_id = $2")
        .bind(notice.id)
        .bind(student_id)
        .execute(&mut *tx)
        .await?;
    for choice in &ballot.choices {
        sqlx::query("INSERT INTO vote_choices (notice_id, student_id, option_no, voted_at) VALUES ($1, $2, $3, $4)")
            .bind(notice.id)
            .bind(student_id)
            .bind(*choice as i64)
            .bind(now)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}
