mod report;
mod requests;
