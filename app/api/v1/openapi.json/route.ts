import { NextResponse } from "next/server";
import { buildOpenApiDocument } from "@/lib/api/openapi";

// Public: the document describes the contract and holds nothing secret.
export function GET() {
  return NextResponse.json(buildOpenApiDocument());
}
