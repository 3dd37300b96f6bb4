using Convergio.Api.Audit;
using Convergio.Api.Auth.EmailVerification;
using Convergio.Api.Auth.Mfa;
using Convergio.Api.Auth.StepUp;
using Convergio.Api.Csrf;
using Convergio.Api.Data;
using Convergio.Api.Edge;
using Convergio.Api.Mail;
using Convergio.Api.Observability;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
namespace Convergio.Api.Auth;

/// <summary>Sign-up: a new account, or the same answer for a taken address where verification is required.</summary>
internal static class RegistrationEndpoints
{

    internal static async Task<Results<Created<UserResponse>, Accepted<AcceptedResponse>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, HttpContext http, ConvergioDb db, IPasswordHasher hasher, SessionService sessions, EmailVerificationMailer verification,
        Mailer mailer, AuditLog audit, IOptions<EmailVerificationOptions> emailVerification, IOptions<AuthOptions> options, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var email = Emails.Normalize(request.Email);
        var errors = new Dictionary<string, string[]>();
        if (!Emails.IsValid(email))
        {
            errors["email"] = ["Enter a valid email address."];
        }
        if (PasswordPolicy.Check(request.Password, email) is { } passwordError)
        {
            errors["password"] = [passwordError];
        }
        var fullName = FullNames.Normalize(request.FullName);
        if (FullNames.Problem(fullName) is { } fullNameError)
        {
            errors["fullName"] = [fullNameError];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Hashed before the lookup, so a new and a taken address cost the same Argon2id work.
        var passwordHash = await hasher.HashAsync(request.Password, cancellationToken);
        var existing = await db.Users.AsNoTracking().SingleOrDefaultAsync(u => u.Email == email, cancellationToken);
        var quiet = emailVerification.Value.RequireVerifiedEmail;
        if (existing is not null)
        {
            if (!quiet)
            {
                return EmailTaken();
            }
            // The answer must not say the address has an account, so the owner hears of it by mail instead.
            mailer.Enqueue(existing.Email, "Someone tried to sign up to Convergio with your address",
                $"Someone, perhaps you, tried to create a Convergio account with this email address, which already has one.\n\nTo sign in:\n{options.Value.SignInUrl}\n\nForgot your password? Choose a new one here:\n{options.Value.ForgotPasswordUrl}\n\nIf it was not you, ignore this message; nothing changed on your account.");
            audit.Record(AuthAuditActions.RegisterExisting, AuditOutcomes.Failure, actorUserId: existing.Id, targetType: "user", targetId: existing.Id.ToString());
            await db.SaveChangesAsync(cancellationToken);
            return SignUpMailed();
        }

        var now = time.GetUtcNow().UtcDateTime;
        var user = new User
        {
            Id = Guid.NewGuid(),
            Email = email,
            FullName = fullName,
            PasswordHash = passwordHash,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        verification.IssueForNewUser(user);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // With verification required, following the mailed link and then signing in is the only way in:
        // a session here would let whoever typed the address use an account that may be someone else's.
        var session = quiet ? null : await StartReplacingAsync(http, sessions, user, cancellationToken);
        audit.Record(AuthAuditActions.Register, actorUserId: user.Id, targetType: "user", targetId: user.Id.ToString());
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException e) when (DbErrors.IsUniqueViolation(e))
        {
            // A concurrent registration won the unique index; nothing of this one is kept.
            return quiet ? SignUpMailed() : EmailTaken();
        }
        await transaction.CommitAsync(cancellationToken);

        if (session is null)
        {
            return SignUpMailed();
        }
        sessions.SetCookies(http, session);
        return TypedResults.Created("/api/v1/auth/me", UserResponse.From(user));
    }

    private static async Task<NewSession> StartReplacingAsync(HttpContext http, SessionService sessions, User user, CancellationToken cancellationToken)
    {
        await sessions.EndPresentedAsync(http, cancellationToken);
        return sessions.Start(http, user);
    }

    /// <summary>The one answer for a new and a taken address when verification is required.</summary>
    private static Accepted<AcceptedResponse> SignUpMailed() =>
        TypedResults.Accepted((string?)null, new AcceptedResponse("Check your inbox: we sent you a message to finish signing up."));

    private static ProblemHttpResult EmailTaken() =>
        ApiProblems.Conflict("An account with this email already exists.");
}
