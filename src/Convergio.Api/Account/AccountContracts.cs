namespace Convergio.Api.Account;

public sealed record EmailChangeRequest(string? NewEmail);

public sealed record EmailChangeConfirmRequest(string? Token);

/// <summary>Audit action names of email change, export and deletion. Their data never holds an address.</summary>
public static class AccountAuditActions
{
    public const string EmailChangeRequested = "auth.email.change_requested";
    public const string EmailChanged = "auth.email.changed";
    public const string Exported = "auth.account.exported";
    public const string Deleted = "auth.account.deleted";
}

public sealed record DeleteUserRequest(string? Reason)
{
    public const int MaxReasonLength = 500;
}
