import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { toast } from "@/ui/toast";
import { z } from "zod";
import { api, unwrap } from "@/api/client";
import { ApiError, errorMessage } from "@/api/problem";
import type { User } from "@/api/types";
import { useAuth } from "@/features/auth/context";
import { NewPasswordField } from "@/features/auth/NewPasswordField";
import { passwordSchema } from "@/features/auth/password";
import { registerField } from "@/lib/registerField";
import { LabelledInput } from "@/ui/LabelledInput";
import { PasswordField } from "@/ui/PasswordField";
import { Button, Field, Input, Spinner } from "@/ui/primitives";
import { DeleteAccountForm, EmailStatus, ExportForm } from "./AccountCare";
import { NotificationsForm } from "./NotificationsForm";
import { ThemeSwitch } from "./ThemeSwitch";
import { TimeZoneForm } from "./TimeZoneForm";
import { WeekStartForm } from "./WeekStartForm";

function Section({
  title,
  description,
  children,
}: {
  title: string;
  description: string;
  children: React.ReactNode;
}) {
  return (
    <section className="grid gap-4 border-b border-zinc-200 py-8 first-of-type:pt-0 md:grid-cols-3 dark:border-zinc-800">
      <div>
        <h2 className="text-base font-semibold">{title}</h2>
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">{description}</p>
      </div>
      <div className="md:col-span-2">{children}</div>
    </section>
  );
}

const profileSchema = z.object({
  fullName: z.string().trim().max(255, "Use at most 255 characters"),
});

function ProfileForm() {
  const { user, setUser } = useAuth();
  const form = useForm<z.infer<typeof profileSchema>>({
    resolver: zodResolver(profileSchema),
    // Follows the saved name (another tab or device may change it) unless edited here.
    values: { fullName: user?.full_name ?? "" },
    resetOptions: { keepDirtyValues: true },
  });
  const {
    handleSubmit,
    reset,
    formState: { isSubmitting, isDirty },
  } = form;
  const onSubmit = handleSubmit(async ({ fullName }) => {
    try {
      const { data } = await unwrap<User>(
        api.PATCH("/api/v1/users/me", { body: { full_name: fullName || null } }),
      );
      setUser(data);
      reset({ fullName: data.full_name ?? "" });
      toast.success("Profile saved");
    } catch (e) {
      toast.error(`Could not save your profile: ${errorMessage(e)}`);
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate className="max-w-md space-y-4">
      <Field id="profile-email" label="Email">
        <Input id="profile-email" value={user?.email ?? ""} readOnly disabled />
      </Field>
      <LabelledInput
        id="profile-name"
        label="Name"
        autoComplete="name"
        {...registerField(form, "fullName")}
      />
      <Button type="submit" disabled={isSubmitting || !isDirty}>
        {isSubmitting && <Spinner />}Save profile
      </Button>
    </form>
  );
}

const passwordFormSchema = z
  .object({
    current: z.string().min(1, "Enter your current password"),
    next: passwordSchema,
    confirm: z.string(),
  })
  .refine((v) => v.next === v.confirm, { path: ["confirm"], message: "The passwords do not match" })
  .refine((v) => v.next !== v.current, {
    path: ["next"],
    message: "Choose a password different from the current one",
  });

function PasswordForm() {
  const [done, setDone] = useState(false);
  const form = useForm<z.infer<typeof passwordFormSchema>>({
    resolver: zodResolver(passwordFormSchema),
    mode: "onTouched",
    defaultValues: { current: "", next: "", confirm: "" },
  });
  const {
    handleSubmit,
    reset,
    setError,
    formState: { isSubmitting },
  } = form;
  const onSubmit = handleSubmit(async ({ current, next }) => {
    setDone(false);
    try {
      await unwrap(
        api.POST("/api/v1/users/me/password", {
          body: { current_password: current, new_password: next },
        }),
      );
      reset();
      setDone(true);
      toast.success("Password changed. Your other sessions were signed out.");
    } catch (e) {
      const current = e instanceof ApiError ? e.fieldError("current_password") : undefined;
      const next = e instanceof ApiError ? e.fieldError("new_password") : undefined;
      if (current) setError("current", { message: current });
      if (next) setError("next", { message: next });
      if (!current && !next) toast.error(`Could not change the password: ${errorMessage(e)}`);
    }
  });
  return (
    <form onSubmit={onSubmit} noValidate className="max-w-md space-y-4">
      <PasswordField
        id="pw-current"
        label="Current password"
        autoComplete="current-password"
        {...registerField(form, "current")}
      />
      <NewPasswordField id="pw-new" label="New password" {...registerField(form, "next")} />
      <PasswordField
        id="pw-confirm"
        label="Confirm new password"
        autoComplete="new-password"
        {...registerField(form, "confirm")}
      />
      <div className="flex items-center gap-3">
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting && <Spinner />}Change password
        </Button>
        {done && (
          <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
            Password changed.
          </p>
        )}
      </div>
    </form>
  );
}

export default function SettingsPage() {
  return (
    <div className="mx-auto w-full max-w-4xl px-4 py-5 sm:px-8 sm:py-8">
      <h1 className="mb-8 text-2xl font-bold tracking-tight">Settings</h1>
      <Section title="Profile" description="How you appear in taskapp.">
        <ProfileForm />
        <div className="mt-4">
          <EmailStatus />
        </div>
      </Section>
      <Section
        title="Time zone and calendar"
        description="Today, Upcoming, overdue tasks and due days follow your zone, and the Calendar’s weeks your first day, on every device."
      >
        <TimeZoneForm />
        <div className="mt-6">
          <WeekStartForm />
        </div>
      </Section>
      <Section
        title="Notifications"
        description="Reminders you set on tasks arrive under the bell and by email; a digest can sum up each day."
      >
        <NotificationsForm />
      </Section>
      <Section title="Password" description="Changing it signs out every other device.">
        <PasswordForm />
      </Section>
      <Section
        title="Appearance"
        description="Follow the system, or pick a theme for this browser."
      >
        <ThemeSwitch withLabels />
      </Section>
      <Section
        title="Your data"
        description="Download everything you keep in taskapp as one JSON file."
      >
        <ExportForm />
      </Section>
      <Section
        title="Delete account"
        description="Deletes your tasks, projects, views and sessions for good. This cannot be undone."
      >
        <DeleteAccountForm />
      </Section>
    </div>
  );
}
