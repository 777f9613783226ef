import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { TableWrap } from "@/components/ui/table-wrap";
import { Time } from "@/components/ui/time";
import { requirePageUser } from "@/lib/auth/current-user";
import { listUsers } from "@/lib/users/manage-users";
import { CreateUserForm, UserRowControls } from "./user-forms";

export const metadata: Metadata = { title: "Users" };

export default async function UsersPage() {
  const me = await requirePageUser("ADMIN");
  const users = await listUsers();
  return (
    <>
      <PageHeader title="Users and roles" description="VIEWER reads; OPERATOR requests rollbacks; APPROVER approves them; ADMIN manages people and tokens." />
      <section className="card">
        <h2>Add a user</h2>
        <CreateUserForm />
      </section>
      <TableWrap label="Users table">
        <table className="table" aria-label="Users">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Email</th>
              <th scope="col">Role and access</th>
              <th scope="col">Since</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id} data-testid={`user-row-${user.email}`}>
                <td>{user.name}</td>
                <td>{user.email}</td>
                <td>
                  <UserRowControls userId={user.id} email={user.email} role={user.role} disabled={Boolean(user.disabledAt)} self={user.id === me.id} />
                </td>
                <td className="small"><Time value={user.createdAt} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </>
  );
}
