// ListSecretRepository over list_secrets (storage/schema.cc, step 11).
#include "storage/list_secret_repository.h"

#include "storage/scopes.h"

namespace storage {
namespace {

std::string AssociatedData(int64_t list_id, std::string_view purpose) {
  return "list-secret:" + std::to_string(list_id) + ":" + std::string(purpose);
}

}  // namespace

Result<std::optional<base::SecretBytes>> ListSecretRepository::Get(int64_t list_id,
                                                                   std::string_view purpose) {
  const std::string what =
      "reading the " + std::string(purpose) + " secret of list " + std::to_string(list_id);
  Result<Statement*> query =
      db_.Prepare("SELECT secret_sealed FROM list_secrets WHERE list_id = ?1 AND purpose = ?2");
  if (!query) return query.failure().Prefixed(what);
  Statement& statement = (*query)->Bind(1, list_id).Bind(2, std::string(purpose));
  ResetOnExit reset(statement);
  Result<bool> row = statement.Step();
  if (!row) return row.failure().Prefixed(what);
  if (!*row) return std::optional<base::SecretBytes>();
  Result<base::SecretBytes> secret =
      master_.Open(statement.ColumnBlob(0), AssociatedData(list_id, purpose));
  if (!secret) {
    return Error{what + ": " + secret.error() + " (wrong master key file, or the row was altered)"};
  }
  return std::optional<base::SecretBytes>(std::move(secret).value());
}

Status ListSecretRepository::Put(int64_t list_id, std::string_view purpose, std::string_view secret,
                                 int64_t now) {
  const std::string what =
      "storing the " + std::string(purpose) + " secret of list " + std::to_string(list_id);
  if (secret.empty()) return base::Invalid(what + ": the secret is empty");
  const std::string sealed = master_.Seal(secret, AssociatedData(list_id, purpose));
  WriteScope scope(db_);
  if (!scope.begun()) return scope.begun().failure().Prefixed(what);
  Result<Statement*> upsert = db_.Prepare(
      "INSERT INTO list_secrets (list_id, purpose, secret_sealed, created_at) "
      "VALUES (?1, ?2, ?3, ?4) ON CONFLICT (list_id, purpose) DO UPDATE SET "
      "secret_sealed = excluded.secret_sealed, created_at = excluded.created_at");
  if (!upsert) return upsert.failure().Prefixed(what);
  Status ran = (*upsert)
                   ->Bind(1, list_id)
                   .Bind(2, std::string(purpose))
                   .BindBlob(3, sealed)
                   .Bind(4, now)
                   .Run();
  if (!ran) return ran.failure().Prefixed(what);
  Status committed = scope.Commit();
  if (!committed) return committed.failure().Prefixed(what);
  return base::Ok();
}

}  // namespace storage
